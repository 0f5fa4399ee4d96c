import { parse, protocol, type PGlite } from '@electric-sql/pglite';

/**
 * Named prepared statements on PGlite. PGlite's `query` sends every statement as an unnamed one (parse, describe,
 * bind, describe, execute, sync: the statement parsed and planned on each call) and ignores a statement name. The hot
 * statements of the event store (the append) cost several times a plain INSERT that way. Here a named statement is
 * parsed once per database (PGlite is one session, so a named statement lives as long as the database), its parameter
 * types described once, and each call is a bind, describe, execute and sync in one message to the engine, whose
 * answers PGlite's own parser reads as its `query` would.
 *
 * Concurrency follows PGlite's own `query`: outside a transaction a call waits for the transaction lock (nothing runs
 * inside someone else's transaction), inside one it only takes the query lock, as the transaction's `query` does.
 */
export class PglitePreparedStatements {
  /** Parameter types of each statement prepared, and its text (a name is one text for the life of the database). */
  private readonly prepared = new Map<string, { text: string; types: number[] }>();

  constructor(private readonly db: PGlite) {}

  /** Runs `text` as the named statement `name`; `inTransaction`: called from inside `transaction()`'s work. */
  run<Row>(name: string, text: string, params: readonly unknown[], inTransaction: boolean): Promise<Row[]> {
    const call = () => this.db.runExclusive(() => this.execute<Row>(name, text, params, inTransaction));
    return inTransaction ? call() : (this.db as unknown as ExclusiveTransactions)._runExclusiveTransaction(call);
  }

  private async execute<Row>(name: string, text: string, params: readonly unknown[], inTransaction: boolean): Promise<Row[]> {
    // As PGlite's own query: a statement queued behind close() must not reach the engine as it shuts down.
    if (this.db.closed) throw new Error('PGlite is closed');
    const statement = await this.statement(name, text);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = this.db.serializers[statement.types[i]];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await this.db.execProtocol(
      join(
        protocol.serialize.bind({ statement: name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ),
      { syncToFs: false },
    );
    // What PGlite's query does after a statement outside a transaction: the data folder follows the database.
    if (!inTransaction) await this.db.syncToFs();
    const [result] = parse.parseResults(messages, this.db.parsers);
    return (result?.rows ?? []) as Row[];
  }

  private async statement(name: string, text: string): Promise<{ text: string; types: number[] }> {
    const known = this.prepared.get(name);
    if (known) {
      if (known.text !== text) throw new Error(`the prepared statement ${name} was prepared with another text`);
      return known;
    }
    const { messages } = await this.db.execProtocol(
      join(protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()),
      { syncToFs: false },
    );
    const statement = { text, types: parse.parseDescribeStatementResults(messages) };
    this.prepared.set(name, statement);
    return statement;
  }
}

/** PGlite's own lock for a statement outside a transaction (what its `query` takes); not in its published types. */
interface ExclusiveTransactions {
  _runExclusiveTransaction<T>(work: () => Promise<T>): Promise<T>;
}

function join(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
