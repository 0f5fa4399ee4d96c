export * from './calendar/calendar-date';
export * from './access/actor';
export * from './access/rule-violation';
export { type Grant } from './access/permissions';
export * from './access/appointments';
export { conflictOf, type Conflict, type ReviewedWork } from './access/segregation';
export * from './objective/objective-definition';
export { personRoleKind, resolvePersonRoles } from './objective/person-roles';
export { type FieldChange } from './objective/definition-changes';
export * from './objective/objective-events';
export * from './objective/objective-commands';
export * from './objective/objective-state';
export {
  ACTING_CAPACITIES,
  capacityOf,
  decideObjective,
  OBJECTIVE_GRANTS,
  REVIEW_COMMANDS,
  type ActingCapacity,
  type ObjectiveDecision,
} from './objective/objective-decide';
export * from './plan/plan';
export { decideGiuntaApproval } from './plan/giunta-approval';
export * from './plan/plan-continuation';
export * from './organisation/organisation';
export { unitNamed } from './organisation/unit-names';
export { foldedName, withoutAccents } from './invariants/folded-text';
export * from './decider';
export { objectiveDefinitionProblems } from './objective/definition-invariants';
export { parseItalianNumber, parseItalianDate } from './scoring/italian-numbers';
export { readTarget, TARGET_FLAG_CODES, TARGET_FLAG_REASONS, type TargetContext, type TargetFlagCode, type TargetReading } from './scoring/target-reading';
export * from './scoring/scoring-system';
export * from './scoring/achievement';
export * from './read-side/deadlines';
export { timelineChanges } from './read-side/timeline';
export { definitionChanges } from './objective/definition-changes';
export * from './read-side/monitoring-gaps';
export * from './objective/stream-names';
export { definitionFingerprint } from './objective/definition-fingerprint';
export * from './reminders';
export { FORBIDDEN_KEYS, textFlaw } from './invariants/json-values';
export * from './audit/merkle-tree';
export * from './audit/canonical-event';
export * from './audit/signed-checkpoint';
export * from './audit/red-flag';
// Two modules name an AuditedEvent: the package's keeps meaning the hashed one; objectiveRedFlags takes any stored event.
export { type AuditedEvent } from './audit/canonical-event';
export { objectiveRedFlags } from './audit/red-flags';
export * from './audit/dossier-request';
export * from './objective/indicator-types';
