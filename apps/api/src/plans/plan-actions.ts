import { type Type } from '@nestjs/common';
import { type HistoryPlanCommand } from '@piao/application';
import { CommandOptionsDto, GiuntaActCommandDto } from '../commands/command-options.dto';
import { CloseCampaignDto, MonitoringCampaignDto } from './plan.dto';

/**
 * Each command on a plan's course, once: the body its route takes and the domain command that body becomes. The routes
 * of plans.controller.ts build their commands here, and so does a past year's history (plan-history), whose steps
 * name these actions and carry these bodies. Opening a plan and drafting into it are not here: a history goes into a
 * plan already open, and drafts under its steps' codes.
 */
export interface PlanAction<D extends CommandOptionsDto> {
  dto: Type<D>;
  command(dto: D): HistoryPlanCommand;
}

function action<D extends CommandOptionsDto>(dto: Type<D>, command: (dto: D) => HistoryPlanCommand): PlanAction<D> {
  return { dto, command };
}

/** By the name a history step gives them; the route of each is in the comment. */
export const PLAN_ACTIONS = {
  /** POST /plans/{planId}/submit */
  submit: action(CommandOptionsDto, () => ({ type: 'SubmitPlan' })),
  /** POST /plans/{planId}/approve */
  approve: action(GiuntaActCommandDto, (dto) => ({ type: 'ApprovePlan', act: dto.act })),
  /** POST /plans/{planId}/monitoring-campaigns: due on the reference date unless said otherwise */
  'open-monitoring-campaign': action(MonitoringCampaignDto, (dto) => ({ type: 'OpenMonitoringCampaign', asOf: dto.asOf, dueOn: dto.dueOn ?? dto.asOf })),
  /** POST /plans/{planId}/monitoring-campaigns/close */
  'close-monitoring-campaign': action(CloseCampaignDto, (dto) => ({ type: 'CloseMonitoringCampaign', asOf: dto.asOf })),
  /** POST /plans/{planId}/close */
  close: action(CommandOptionsDto, (dto) => ({ type: 'ClosePlan', reason: dto.reason })),
};

export type PlanActionName = keyof typeof PLAN_ACTIONS;
