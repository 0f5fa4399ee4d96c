import { type DecisionContext, type Role } from '../access/actor';
import { actingRole, type Grant } from '../access/permissions';
import { violated } from '../access/rule-violation';
import { refuseMalformedCommand, type CommandFields } from '../invariants/command-fields';
import { type CalendarDate } from '../calendar/calendar-date';
import { type GiuntaAct } from '../objective/objective-events';

export const PLAN_KINDS = ['PIAO', 'PEG', 'PDO'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

type Event<Type extends string, Data> = { type: Type; data: Data };
/** The plan a plan continues into the next year (POST /plans/{planId}/continuation). */
export interface PlanContinued {
  planId: string;
}

export type PlanEvent =
  /** `continues`: the plan of the year before it was continued from (absent on a plan opened anew and on older events). */
  | Event<'PlanOpened', { planId: string; ente: string; kind: PlanKind; title: string; fromYear: number; toYear: number; continues?: PlanContinued }>
  | Event<'ObjectiveAttached', { objectiveId: string; code: string }>
  | Event<'PlanSubmitted', { objectiveCount: number }>
  /** `proposals`: each objective the act approved, with the fingerprint of the text it approved (absent on older events). */
  | Event<'PlanApprovedByGiunta', { act: GiuntaAct; proposals?: ApprovedProposal[] }>
  | Event<'MonitoringCampaignOpened', { asOf: CalendarDate; dueOn: CalendarDate }>
  | Event<'MonitoringCampaignClosed', { asOf: CalendarDate }>
  | Event<'PlanClosed', { reason?: string }>;

/** An objective proposed when the Giunta approved the plan, and the fingerprint of its proposed definition. */
export interface ApprovedProposal {
  objectiveId: string;
  definitionHash: string;
}

export type PlanStatus = 'open' | 'submitted' | 'approved' | 'closed';

export interface PlanState {
  planId: string;
  ente: string;
  kind: PlanKind;
  title: string;
  fromYear: number;
  toYear: number;
  /** The plan this one continues into the next year; absent when it was opened anew. */
  continues?: PlanContinued;
  status: PlanStatus;
  objectives: { objectiveId: string; code: string }[];
  approvalAct?: GiuntaAct;
  campaigns: Record<CalendarDate, { dueOn: CalendarDate; open: boolean }>;
}

type Command<Type extends string, Data = unknown> = { type: Type } & Data;
export type PlanCommand =
  | Command<'OpenPlan', { planId: string; ente: string; kind: PlanKind; title: string; fromYear: number; toYear: number; continues?: PlanContinued }>
  | Command<'AttachObjective', { objectiveId: string; code: string }>
  | Command<'SubmitPlan'>
  | Command<'ApprovePlan', { act?: GiuntaAct; proposals?: ApprovedProposal[] }>
  | Command<'OpenMonitoringCampaign', { asOf: CalendarDate; dueOn: CalendarDate }>
  | Command<'CloseMonitoringCampaign', { asOf: CalendarDate }>
  | Command<'ClosePlan', { reason?: string }>;

/** Attaching is done by the system on behalf of whoever drafted the objective, so any drafter may trigger it. */
export const PLAN_GRANTS: Record<PlanCommand['type'], readonly Grant[]> = {
  OpenPlan: ['segretario'],
  AttachObjective: ['segretario', 'dirigente:responsible'],
  SubmitPlan: ['segretario'],
  ApprovePlan: ['segretario'],
  OpenMonitoringCampaign: ['segretario'],
  CloseMonitoringCampaign: ['segretario'],
  ClosePlan: ['segretario'],
};

/** What each field of a plan command must be, checked before anything else reads the command. */
const PLAN_COMMAND_FIELDS: CommandFields<PlanCommand> = {
  OpenPlan: {
    planId: 'id',
    ente: 'id',
    kind: PLAN_KINDS,
    title: 'name',
    fromYear: 'year',
    toYear: 'year',
    continues: { objectOf: { planId: 'id' }, optional: true },
  },
  AttachObjective: { objectiveId: 'id', code: 'id' },
  SubmitPlan: {},
  ApprovePlan: { act: 'act?', proposals: { listOf: { objectiveId: 'id', definitionHash: 'id' }, optional: true } },
  OpenMonitoringCampaign: { asOf: 'date', dueOn: 'date' },
  CloseMonitoringCampaign: { asOf: 'date' },
  ClosePlan: { reason: 'text?' },
};

export interface PlanDecision {
  events: PlanEvent[];
  role: Role;
}

export function evolvePlan(state: PlanState | undefined, event: PlanEvent): PlanState {
  if (event.type === 'PlanOpened') return { ...event.data, status: 'open', objectives: [], campaigns: {} };
  if (!state) throw new Error(`${event.type} before PlanOpened: the stream is corrupt`);
  switch (event.type) {
    case 'ObjectiveAttached':
      return { ...state, objectives: [...state.objectives, event.data] };
    case 'PlanSubmitted':
      return { ...state, status: 'submitted' };
    case 'PlanApprovedByGiunta':
      return { ...state, status: 'approved', approvalAct: event.data.act };
    case 'MonitoringCampaignOpened':
      return { ...state, campaigns: { ...state.campaigns, [event.data.asOf]: { dueOn: event.data.dueOn, open: true } } };
    case 'MonitoringCampaignClosed':
      return { ...state, campaigns: { ...state.campaigns, [event.data.asOf]: { ...state.campaigns[event.data.asOf], open: false } } };
    case 'PlanClosed':
      return { ...state, status: 'closed' };
  }
}

/**
 * `unitOfObjective` is the responsible unit of the objective being attached: a dirigente may attach only
 * objectives of a unit they head.
 */
export function decidePlan(state: PlanState | undefined, command: PlanCommand, context: DecisionContext, unitOfObjective?: string): PlanDecision {
  refuseMalformedCommand(command, PLAN_COMMAND_FIELDS);
  const role = actingRole(PLAN_GRANTS[command.type], context, unitOfObjective ? { responsibleUnitId: unitOfObjective } : undefined, command.type);
  const decided = (...events: PlanEvent[]): PlanDecision => ({ role, events });
  if (command.type === 'OpenPlan') {
    if (state) violated('plan-already-exists', `plan ${command.planId} already exists`);
    if (command.toYear < command.fromYear) violated('horizon-reversed', `the plan ends (${command.toYear}) before it starts (${command.fromYear})`, 'toYear');
    const { planId, ente, kind, title, fromYear, toYear, continues } = command;
    const continued = continues ? { continues: { planId: continues.planId } } : {};
    return decided({ type: 'PlanOpened', data: { planId, ente, kind, title, fromYear, toYear, ...continued } });
  }
  if (!state) return violated('plan-not-found', 'the plan does not exist');
  if (state.status === 'closed') violated('plan-closed', 'the plan is closed');
  switch (command.type) {
    case 'AttachObjective': {
      if (state.objectives.some((o) => o.objectiveId === command.objectiveId)) return decided(); // idempotent: attached once
      if (state.objectives.some((o) => o.code === command.code)) violated('objective-code-taken', `the plan already has an objective ${command.code}`, 'code');
      return decided({ type: 'ObjectiveAttached', data: { objectiveId: command.objectiveId, code: command.code } });
    }
    case 'SubmitPlan':
      if (state.status !== 'open') violated('plan-not-open', `the plan is ${state.status}: it was already submitted`);
      if (state.objectives.length === 0) violated('plan-without-objectives', 'a plan goes to the Giunta with at least one objective');
      return decided({ type: 'PlanSubmitted', data: { objectiveCount: state.objectives.length } });
    case 'ApprovePlan': {
      if (state.status !== 'submitted') violated('plan-not-submitted', `the Giunta approves a submitted plan (the plan is ${state.status})`);
      if (!command.act) violated('giunta-act-required', "only the Giunta's act approves a plan", 'act');
      if (command.act.date > context.today) violated('date-in-future', `the act is dated ${command.act.date}, after today`, 'act.date');
      return decided({ type: 'PlanApprovedByGiunta', data: command.proposals ? { act: command.act, proposals: command.proposals } : { act: command.act } });
    }
    case 'OpenMonitoringCampaign':
      if (state.status !== 'approved') violated('plan-not-approved', 'monitoring starts once the Giunta has approved the plan');
      if (state.campaigns[command.asOf]) violated('campaign-exists', `a monitoring campaign as of ${command.asOf} already exists`);
      if (command.dueOn < command.asOf) violated('due-before-reference-date', 'the campaign is due before its reference date', 'dueOn');
      return decided({ type: 'MonitoringCampaignOpened', data: { asOf: command.asOf, dueOn: command.dueOn } });
    case 'CloseMonitoringCampaign':
      if (!state.campaigns[command.asOf]?.open) violated('campaign-not-open', `no open monitoring campaign as of ${command.asOf}`);
      return decided({ type: 'MonitoringCampaignClosed', data: { asOf: command.asOf } });
    case 'ClosePlan':
      if (state.status !== 'approved') violated('plan-not-approved', 'only an approved plan can be closed');
      return decided({ type: 'PlanClosed', data: command.reason ? { reason: command.reason } : {} });
  }
}
