/**
 * A command broken against the lifecycle: the request was well formed but the objective, plan or organisation
 * is not in a state that allows it. `rule` is a stable kebab-case name clients can branch on.
 */
export class RuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
    /**
     * The command's field to blame, as a path (`act.date`, `indicators.2.indicatorId`), when one is: the API names it
     * in the problem's `errors`, so that a form shows the rule beside that field. Absent for rules of state.
     */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/** The actor's roles or headships do not allow the command, whatever the state. */
export class NotPermitted extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotPermitted';
  }
}

export function violated(rule: string, message: string, field?: string): never {
  throw new RuleViolation(rule, message, field);
}
