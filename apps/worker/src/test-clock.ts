import { type Clock } from '@piao/application';

/**
 * The worker's clock in the crash tests: the machine's time shifted by a fixed offset (TEST_CLOCK_OFFSET_MS, refused
 * unless NODE_ENV=test), so that a test can put the worker on a working day just before the send time of the
 * reminders it seeded, whatever the real date is. It runs at real speed: BullMQ's delays (real milliseconds in Redis)
 * stay right, since the worker always turns an instant of its clock into a delay from now.
 */
export class OffsetClock implements Clock {
  constructor(readonly offsetMs: number) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** The test clock asked for by the environment, undefined for the machine's; a string saying what is wrong otherwise. */
export function testClockFrom(env: NodeJS.ProcessEnv, nodeEnv: string): Clock | undefined | string {
  const offset = env.TEST_CLOCK_OFFSET_MS;
  if (offset === undefined || offset === '') return undefined;
  if (nodeEnv !== 'test') return 'TEST_CLOCK_OFFSET_MS: a shifted clock is only allowed with NODE_ENV=test';
  if (!/^-?\d{1,15}$/.test(offset)) return `TEST_CLOCK_OFFSET_MS=${JSON.stringify(offset)}: must be a whole number of milliseconds`;
  return new OffsetClock(Number(offset));
}
