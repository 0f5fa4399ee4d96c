/**
 * The oldest EventStoreDB / KurrentDB server the adapter accepts, and why (EventStoreDB's CHANGELOG.md):
 *
 * - 22.6.0 populates the `$all` position (commit and prepare) of the events returned by stream reads and
 *   subscriptions, over gRPC, for events not written in explicit transactions (EventStore#3459). Before it, a stream
 *   read carries no position, or one that is not the event's place in `$all`.
 * - 23.10.0 sends the "CaughtUp" control message to a subscription when it becomes live (EventStore#3899). The log is
 *   read through a filtered catch-up subscription to `$all` (see log-scan.ts), and that message is how a read knows
 *   it has reached the end of the log rather than waiting on a timer.
 *
 * So 23.10.0: the first LTS release with both. KurrentDB 25 and later continue the same numbering.
 */
export const MINIMUM_SERVER_VERSION = '23.10.0';

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The connected server is older than MINIMUM_SERVER_VERSION, or did not say which version it is. */
export class EventStoreDbServerUnsupported extends Error {
  constructor(
    /** What the server reported through its ServerFeatures service ('unknown' when it reported nothing). */
    readonly reported: string,
  ) {
    super(
      `EventStoreDB/KurrentDB server ${reported === 'unknown' ? 'of unknown version (it did not report one through ServerFeatures)' : reported} ` +
        `is not supported: the adapter requires ${MINIMUM_SERVER_VERSION} or later, which gives every event read its position in $all ` +
        `(since 22.6.0) and tells a catch-up subscription when it has caught up (since 23.10.0)`,
    );
    this.name = 'EventStoreDbServerUnsupported';
  }
}

/** `23.10.1.0`, `24.10.0-rc.1`, `25.0.0`: the first three numbers; undefined for anything else (`unknown`). */
export function parseServerVersion(reported: string): ServerVersion | undefined {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(reported);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

export function compareVersions(a: ServerVersion, b: ServerVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Throws EventStoreDbServerUnsupported unless `reported` is MINIMUM_SERVER_VERSION or later. */
export function requireSupportedServer(reported: string): void {
  const version = parseServerVersion(reported);
  if (!version || compareVersions(version, parseServerVersion(MINIMUM_SERVER_VERSION)!) < 0) throw new EventStoreDbServerUnsupported(reported);
}
