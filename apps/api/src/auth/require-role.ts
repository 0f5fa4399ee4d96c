import { NotPermitted, type Actor, type Role } from '@piao/lifecycle';

/** Refuses (403 `role-not-allowed`) an actor with none of the roles. */
export function requireRole(actor: Actor, roles: readonly Role[], what: string): void {
  if (!actor.roles.some((r) => roles.includes(r))) throw new NotPermitted('role-not-allowed', `${what} is reserved to: ${roles.join(', ')}`);
}
