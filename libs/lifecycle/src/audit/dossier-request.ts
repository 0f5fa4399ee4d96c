import { type DecisionContext, type Role } from '../access/actor';
import { NotPermitted, violated } from '../access/rule-violation';

/**
 * A request for a fascicolo di audit (BRIEF §6): one stream per dossier, one event. The request is in the log like
 * any other command, so that who asked for which dossier, and when, is part of the history the dossier itself
 * verifies; the dossier is built by a processor that follows the log, up to the request's position.
 */
export const DOSSIER_STREAM_PREFIX = 'dossier-';
export const dossierStreamId = (dossierId: string): string => `${DOSSIER_STREAM_PREFIX}${dossierId}`;

export const DOSSIER_SCOPE_KINDS = ['objective', 'unit', 'plan'] as const;
export type DossierScopeKindName = (typeof DOSSIER_SCOPE_KINDS)[number];

/** The controls and those who answer to them request dossiers; a dirigente reads their unit's trail instead. */
export const DOSSIER_REQUESTERS: readonly Role[] = ['nucleo', 'rpct', 'segretario', 'admin'];

export interface DossierRequest {
  dossierId: string;
  ente: string;
  scope: { kind: DossierScopeKindName; id: string };
}

export type DossierEvent = { type: 'DossierRequested'; data: DossierRequest };
export type DossierCommand = { type: 'RequestDossier' } & DossierRequest;

export function decideDossierRequest(
  state: DossierRequest | undefined,
  command: DossierCommand,
  context: DecisionContext,
): { role: Role; events: DossierEvent[] } {
  const role = context.actor.roles.find((r) => DOSSIER_REQUESTERS.includes(r));
  if (!role) throw new NotPermitted('role-not-allowed', `dossiers are requested by: ${DOSSIER_REQUESTERS.join(', ')}`);
  if (state) violated('dossier-already-requested', `dossier ${command.dossierId} was already requested`);
  if (command.ente !== context.actor.ente) throw new NotPermitted('other-ente', 'a dossier is requested for one’s own ente');
  const { dossierId, ente, scope } = command;
  return { role, events: [{ type: 'DossierRequested', data: { dossierId, ente, scope: { kind: scope.kind, id: scope.id } } }] };
}

export function evolveDossierRequest(_state: DossierRequest | undefined, event: DossierEvent): DossierRequest {
  return event.data;
}
