import { type DecisionContext } from '../access/actor';
import { decideObjective, type ObjectiveDecision } from '../objective/objective-decide';
import { definitionFingerprint } from '../objective/definition-fingerprint';
import { type ObjectiveState } from '../objective/objective-state';
import { decidePlan, type PlanCommand, type PlanDecision, type PlanState } from './plan';

/**
 * The Giunta's act approves the plan and every objective proposed at that moment, each with the fingerprint of the
 * text the Giunta saw; each objective's approval names the plan's event (`planApprovalEventId`, reserved by the
 * caller: the id of the plan decision's first event) as its cause. Every decision is taken before any is recorded: one refused refuses them all.
 */
export function decideGiuntaApproval(
  plan: PlanState | undefined,
  members: ObjectiveState[],
  command: Extract<PlanCommand, { type: 'ApprovePlan' }>,
  context: DecisionContext,
  planApprovalEventId: string,
): { plan: PlanDecision; objectives: { objectiveId: string; decision: ObjectiveDecision }[] } {
  const proposed = members.filter((m) => m.status === 'proposed');
  const proposals = proposed.map((state) => ({ objectiveId: state.objectiveId, definitionHash: definitionFingerprint(state.definition) }));
  const approved = decidePlan(plan, { ...command, proposals }, context);
  const objectives = proposed.map((state, i) => ({
    objectiveId: state.objectiveId,
    decision: decideObjective(state, { type: 'ApproveByGiunta', act: command.act, planApprovalEventId, definitionHash: proposals[i].definitionHash }, context),
  }));
  return { plan: approved, objectives };
}
