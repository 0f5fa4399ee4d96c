import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type DossierSummary } from '@piao/audit';
import { ACTING_CAPACITIES, OBJECTIVE_EVENT_TYPES, RED_FLAG_KINDS, RED_FLAG_SEVERITIES, ROLES } from '@piao/lifecycle';
import { GiuntaActDto } from '../commands/command-options.dto';
import { EventImportView } from '../objectives/objective.schemas';
import { DossierScopeDto } from './dossier.dto';

/**
 * The answers of the audit routes (docs/audit.md): checkpoints and proofs of the tamper-evident log, the audit trail,
 * red flags and dossiers, as the OpenAPI document declares them. Hashes are base64, as in the signed notes.
 */

const ROOT_HASH = 'SBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=';
const LEAF_HASH = 'n5EWH0NDPkmm3m22gNefYBWfLkrJFyYhoShGQoFYRAs=';
const NOTE =
  'comune.example.it/piao-audit\n1287\nSBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n\n' +
  '— comune.example.it/piao-audit 931tmhF1qK3wgVaoy0+NXrKiMqHe3lgLlBlmzjrWJUVrDtgklAmDsgPUxjdstFfIA1uCkt9mwSByel20P0VB724p/y8=\n';
const PROOF = ['Fptbgjxitkyn5fhFahPI1dBvTs5SKli8K4p4Tc82CbA=', '9kVR/NbweCPLh5cc+5FEZCXaGChrOrHvk14MvXpp9oo=', 'OUbKZP942TymEJCkN8u2s9LKDUiPX5zPMFlgg2iydpM='];
const EVENT_ID = 'b9124e8e-f4f2-409e-95d0-690eb1f8dd03';
const OBJECTIVE_ID = '7be129b5-99c2-4ad2-b63b-bcf6154ddf64';
const DOSSIER_ID = 'da10b282-4c4b-4af7-9e70-72a3f999bc87';
const PLAN_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';

/** The C2SP signed note of a checkpoint, as `GET /audit/checkpoint` answers it (text/plain). */
export const CHECKPOINT_NOTE_EXAMPLE = NOTE;

// ---- checkpoints and proofs ----

export class CheckpointView {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The number of leaves (events) the signed tree holds', example: 1287 })
  treeSize!: number;

  @ApiProperty({ description: 'The RFC 6962 root hash of that tree (base64, as in the note)', example: ROOT_HASH })
  rootHash!: string;

  @ApiProperty({ format: 'date-time', description: 'When the installation signed it', example: '2025-07-15T09:30:00.000Z' })
  signedAt!: string;

  @ApiProperty({
    description: 'The C2SP tlog-checkpoint (origin, size, root) as a C2SP signed note (Ed25519): verify it with the published verifier key',
    example: NOTE,
  })
  note!: string;
}

export class CheckpointPageView {
  @ApiProperty({ type: [CheckpointView], description: 'Largest tree first' })
  items!: CheckpointView[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The `before` of the next page (the last tree size of this one); null when this page is not full',
    example: 1102,
  })
  next!: number | null;
}

/** What an event's leaf is made of: its canonical JSON (RFC 8785) hashed as SHA-256(0x00 || UTF-8) is the leaf hash. */
export class AuditLeafView {
  @ApiProperty({ type: 'integer', enum: [1], description: 'The version of the leaf’s rules (docs/audit.md)', example: 1 })
  v!: 1;

  @ApiProperty({ format: 'uuid', description: 'The event id', example: EVENT_ID })
  id!: string;

  @ApiProperty({ description: 'The stream the event belongs to', example: `objective-${OBJECTIVE_ID}` })
  stream!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The event’s place in its stream (0-based)', example: 3 })
  revision!: number;

  @ApiProperty({ description: 'The event type', example: 'PhaseProgressRecorded' })
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s data, as stored', example: { phaseId: 'f1', progressPercent: 60 } })
  data!: object;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event’s whole metadata, as stored (who, the ente, the business date, the recorded time, the reason, the act…)',
    example: {
      ente: 'comune-esempio',
      actor: { id: 'm.rossi', name: 'Mario Rossi', role: 'dirigente' },
      occurredAt: '2025-07-31',
      recordedAt: '2025-07-31T08:12:44.120Z',
    },
  })
  metadata!: object;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The leaf hash of the event before it in its stream (base64); null for the first',
    example: LEAF_HASH,
  })
  prev!: string | null;
}

export class InclusionProofView {
  @ApiProperty({ format: 'uuid', example: EVENT_ID })
  eventId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: "The event's leaf index in the tree (0-based, log order)", example: 412 })
  leafIndex!: number;

  @ApiProperty({ description: "The event's leaf hash (base64), as the tree holds it", example: LEAF_HASH })
  leafHash!: string;

  @ApiProperty({
    type: AuditLeafView,
    nullable: true,
    description:
      'What the leaf is made of, as the log holds the event now: hash it yourself (RFC 8785 canonical JSON, then SHA-256 of 0x00 and its UTF-8) ' +
      'and prove that hash, rather than trust `leafHash`. Null when the log no longer holds the event at its place (deleted or moved), or when it is withheld (`withheld`)',
  })
  leaf!: AuditLeafView | null;

  @ApiProperty({
    description:
      'The event is an evaluation the NdV has not shared yet and the reader is not the NdV: its content is withheld (`leaf` null), as in the ' +
      'audit trail, and only `leafHash` can be proved',
    example: false,
  })
  withheld!: boolean;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The size of the tree the proof leads to', example: 1287 })
  treeSize!: number;

  @ApiProperty({ description: 'The root hash of that tree (base64)', example: ROOT_HASH })
  rootHash!: string;

  @ApiProperty({ type: [String], description: 'The RFC 6962 audit path, leaf to root (base64)', example: PROOF })
  proof!: string[];

  @ApiPropertyOptional({ description: 'The signed note of that tree size, when one was signed (always, for the default size)', example: NOTE })
  checkpoint?: string;
}

export class ConsistencyProofView {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The older tree size', example: 1102 })
  from!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The newer tree size', example: 1287 })
  to!: number;

  @ApiProperty({ description: 'The root hash at `from` (base64)', example: '9kVR/NbweCPLh5cc+5FEZCXaGChrOrHvk14MvXpp9oo=' })
  fromRoot!: string;

  @ApiProperty({ description: 'The root hash at `to` (base64)', example: ROOT_HASH })
  toRoot!: string;

  @ApiProperty({ type: [String], description: 'The RFC 6962 consistency proof (base64); empty when the sizes are equal', example: PROOF })
  proof!: string[];
}

// ---- the audit trail ----

export class AuditActorView {
  @ApiProperty({ description: "The person's id (the token's `sub`)", example: 'comune-esempio:seg' })
  id!: string;

  @ApiProperty({ example: 'Segretaria Generale' })
  name!: string;

  @ApiProperty({ enum: ROLES, description: 'The role they acted in', example: 'segretario' })
  role!: string;

  @ApiPropertyOptional({
    enum: ACTING_CAPACITIES,
    description: 'Present when they stood in: `ad-interim` (a head appointed ad interim), `vacant-unit` (the Segretario acting for a unit without a head)',
  })
  capacity?: string;
}

/** Any JSON value: what a field was or became. */
const CHANGE_VALUE = {
  // OpenAPI 3.0 has no null type: `nullable` sits on a branch that has a `type`.
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: true, nullable: true },
  ],
};

export class AuditTrailChangeView {
  @ApiProperty({ description: 'The field that changed, as a path into the objective', example: 'definition.indicators[i1].target.text' })
  path!: string;

  @ApiProperty({ ...CHANGE_VALUE, description: 'Its value before (any JSON value; null: none)', example: 'almeno n. 100' })
  from!: unknown;

  @ApiProperty({ ...CHANGE_VALUE, description: 'Its value after (any JSON value; null: none)', example: 'almeno n. 80' })
  to!: unknown;
}

export class AuditTrailEntryView {
  @ApiProperty({ description: 'The log position (`commit/prepare`): the trail is in this order', example: '748/12' })
  position!: string;

  @ApiProperty({ format: 'uuid', example: EVENT_ID })
  eventId!: string;

  @ApiProperty({ format: 'uuid', example: OBJECTIVE_ID })
  objectiveId!: string;

  @ApiProperty({ description: "The objective's code in its plan", example: 'S08_01' })
  objectiveCode!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: "The event's revision in the objective's stream", example: 5 })
  revision!: number;

  @ApiProperty({ enum: OBJECTIVE_EVENT_TYPES, example: 'ReprogrammingApprovedByGiunta' })
  type!: string;

  @ApiProperty({ type: AuditActorView, description: 'Who recorded it, and in which role' })
  actor!: AuditActorView;

  @ApiProperty({ description: 'When it happened (the business date or instant)', example: '2025-07-15' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When the system recorded it', example: '2025-07-16T08:12:44.120Z' })
  recordedAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why (null: none given, or an evaluation not shared yet)',
    example: 'Riduzione delle risorse assegnate al servizio',
  })
  reason!: string | null;

  @ApiProperty({ type: GiuntaActDto, nullable: true, description: "The Giunta's deliberation it rests on (null: none)" })
  act!: GiuntaActDto | null;

  @ApiProperty({ type: [AuditTrailChangeView], description: 'Old → new, field by field (without the evaluation’s fields while it is not shared)' })
  changes!: AuditTrailChangeView[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: "The event's leaf index in the tamper-evident tree; null until the hashing reaches it",
    example: 412,
  })
  leafIndex!: number | null;

  @ApiProperty({ type: String, nullable: true, description: "The event's leaf hash (base64); null until the hashing reaches it", example: LEAF_HASH })
  leafHash!: string | null;

  @ApiPropertyOptional({
    type: EventImportView,
    description:
      "Present on an event imported with a past year's history (`POST /plans/{planId}/history`): who imported it, and when; `actor` and " +
      '`occurredAt` are then the history’s, `recordedAt` the import’s',
  })
  imported?: EventImportView;
}

export class AuditTrailPageView {
  @ApiProperty({ type: [AuditTrailEntryView], description: 'In log order' })
  items!: AuditTrailEntryView[];

  @ApiProperty({ type: String, nullable: true, description: 'The `cursor` of the next page; null on the last page', example: '748/12' })
  next!: string | null;
}

export class AuditTrailExportView {
  @ApiProperty({ description: 'The ente the trail belongs to', example: 'comune-esempio' })
  ente!: string;

  @ApiProperty({ type: [AuditTrailEntryView], description: 'The whole filtered trail, in log order' })
  items!: AuditTrailEntryView[];
}

// ---- red flags ----

export class RedFlagView {
  @ApiProperty({ enum: RED_FLAG_KINDS, example: 'target-lowered-after-monitoring' })
  kind!: string;

  @ApiProperty({ enum: RED_FLAG_SEVERITIES, example: 'high' })
  severity!: string;

  @ApiProperty({ format: 'uuid', example: OBJECTIVE_ID })
  objectiveId!: string;

  @ApiProperty({ description: "The objective's code in its plan", example: 'S08_01' })
  code!: string;

  @ApiProperty({
    description: 'What was found, in Italian, for a reader who does not know the kind',
    example: "Target dell'indicatore i1 abbassato da «almeno n. 100» a «almeno n. 80» dopo il monitoraggio al 30/06/2025 (DGC n. 58 del 15/07/2025).",
  })
  description!: string;

  @ApiProperty({
    type: [String],
    description: 'The events that prove it, in log order (their leaves are in the audit trail); empty for a flag on the definition as it stands',
    example: [EVENT_ID],
  })
  eventIds!: string[];
}

export class RedFlagListView {
  @ApiProperty({ format: 'uuid', example: PLAN_ID })
  planId!: string;

  @ApiProperty({ type: [RedFlagView] })
  items!: RedFlagView[];
}

// ---- dossiers ----

export class DossierLinksView {
  @ApiProperty({ example: `/audit/dossiers/${DOSSIER_ID}` })
  self!: string;

  @ApiProperty({ example: `/audit/dossiers/${DOSSIER_ID}/fascicolo.pdf` })
  pdf!: string;

  @ApiProperty({ example: `/audit/dossiers/${DOSSIER_ID}/fascicolo.json` })
  json!: string;

  @ApiProperty({ example: `/audit/dossiers/${DOSSIER_ID}/fascicolo.csv` })
  csv!: string;
}

export class DossierRequestedResult {
  @ApiProperty({ format: 'uuid', example: DOSSIER_ID })
  dossierId!: string;

  @ApiProperty({ type: DossierScopeDto, description: 'What the dossier is about (a plan or objective id in lower case)' })
  scope!: DossierScopeDto;

  @ApiProperty({ enum: ['requested'], example: 'requested' })
  status!: 'requested';

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The log position of the request: the dossier is built up to it; pass it as `after=` to read your own writes',
    example: '748/12',
  })
  position!: string | null;

  @ApiProperty({ type: DossierLinksView, description: 'Where to follow it and, once ready, download it' })
  links!: DossierLinksView;
}

/** A dossier's statuses: `requested` (in the log, not queued yet) and those of the dossier store. */
export const DOSSIER_VIEW_STATUSES = ['requested', 'queued', 'building', 'ready', 'failed'] as const;
type UnlistedStatus = Exclude<DossierSummary['status'], (typeof DOSSIER_VIEW_STATUSES)[number]>;
const _everyStatusListed: [UnlistedStatus] extends [never] ? true : UnlistedStatus = true;
void _everyStatusListed;

export class DossierView {
  @ApiProperty({ format: 'uuid', example: DOSSIER_ID })
  dossierId!: string;

  @ApiProperty({ type: DossierScopeDto })
  scope!: DossierScopeDto;

  @ApiProperty({
    enum: DOSSIER_VIEW_STATUSES,
    description: 'requested (in the log, not queued yet), queued, building, ready (downloadable), failed (see `note`)',
    example: 'ready',
  })
  status!: (typeof DOSSIER_VIEW_STATUSES)[number];

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Percent built', example: 100 })
  progress!: number;

  @ApiPropertyOptional({ type: AuditActorView, description: 'Who requested it (absent while `requested`)' })
  requestedBy?: AuditActorView;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was requested (absent while `requested`)', example: '2025-07-16T08:12:44.120Z' })
  requestedAt?: string;

  @ApiPropertyOptional({ description: 'The log position it is built up to: its request’s (absent while `requested`)', example: '748/12' })
  upTo?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'What the builder is doing, or why it failed or retries (absent while `requested`)',
    example: '12 obiettivi su 40',
  })
  note?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Once ready: the SHA-256 (hex) of fascicolo.json, as in the downloads’ `X-Content-Hash` (absent while `requested`)',
    example: 'c35b21d6ca39aa7cc3b79a705d989f1a6e88b99ab43988d74048799e3db926a3',
  })
  contentHash?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was built (absent while `requested`)',
    example: '2025-07-16T08:13:02.512Z',
  })
  builtAt?: string | null;

  @ApiProperty({ type: DossierLinksView })
  links!: DossierLinksView;
}

export class DossierListView {
  @ApiProperty({ type: [DossierView], description: 'Newest first' })
  items!: DossierView[];
}
