import { NotPermitted, RuleViolation, type Decider } from '@piao/lifecycle';

export interface DeciderThen<Event> {
  /** The command produces exactly these events (jest `toEqual`: asymmetric matchers allowed). */
  then(expected: Event[]): void;
  /** The command is refused with this rule (RuleViolation or NotPermitted), its message containing `message` if given. */
  thenThrows(rule: string, message?: string | RegExp): void;
  /** The command is refused with this lifecycle rule, blaming this field of the command (`field`; undefined: none). */
  thenBlames(rule: string, field: string | undefined): void;
}

/**
 * Given/when/then over a Decider, after Emmett's DeciderSpecification:
 * `given(events).when(command[, context]).then(expectedEvents)` or `.thenThrows(rule)`.
 * The given events are folded with `evolve` from `initialState()` before the command is decided: an error while
 * folding fails the test, and never counts as the refusal `thenThrows` expects; neither does any error that is not
 * a named rule (a TypeError is a bug, not a refusal).
 */
export const DeciderSpecification = {
  for<State, Command, Event, Context>(decider: Decider<State, Command, Event, Context>, defaultContext?: Context) {
    return function given(events: Event[]) {
      return {
        when(command: Command, context: Context | undefined = defaultContext): DeciderThen<Event> {
          if (context === undefined) throw new Error('when(command, context): no context given and no default');
          const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
          const decide = () => decider.decide(command, state, context);
          return {
            then(expected) {
              expect(decide()).toEqual(expected);
            },
            thenThrows(rule, message) {
              let decided: Event[];
              try {
                decided = decide();
              } catch (error) {
                if (!(error instanceof RuleViolation || error instanceof NotPermitted)) throw error;
                if (error.rule !== rule) throw new Error(`expected the rule ${rule} to be broken, but ${error.rule} was: ${error.message}`, { cause: error });
                if (message !== undefined) expect(error.message).toMatch(message);
                return;
              }
              throw new Error(`expected the rule ${rule} to be broken, but decide returned ${JSON.stringify(decided)}`);
            },
            thenBlames(rule, field) {
              let refusal: unknown;
              try {
                decide();
              } catch (error) {
                refusal = error;
              }
              expect(refusal).toBeInstanceOf(RuleViolation);
              expect({ rule: (refusal as RuleViolation).rule, field: (refusal as RuleViolation).field }).toEqual({ rule, field });
            },
          };
        },
      };
    };
  },
};
