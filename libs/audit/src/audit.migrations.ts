import { type SqlMigration, type SqlQuery } from '@piao/event-store';

/**
 * Migration 6: the tamper-evident log's tables, written by the audit-hashing processor in the transaction that moves
 * its checkpoint.
 * - audit_leaves: one row per event, in the order the events were hashed (the log's commit order): the event's RFC
 *   6962 leaf hash over its canonical JSON, which includes the leaf hash of the previous event of its stream.
 * - audit_subtrees: the hashes of complete, aligned subtrees of 2^level leaves (level 4 and up), so that a proof over
 *   millions of leaves reads a few dozen rows instead of hashing the log again.
 * - audit_tree: the tree's size, its right edge (the roots of its complete subtrees, largest first, 32 bytes each,
 *   concatenated) and its root.
 * - audit_checkpoints: the signed checkpoints (C2SP tlog-checkpoint in a signed note), one per tree size signed.
 */
const migration0006Audit: SqlMigration = {
  name: '0006-audit',
  async up(tx: SqlQuery): Promise<void> {
    const statements = [
      `CREATE TABLE audit_leaves (
         leaf_index  bigint PRIMARY KEY,
         event_id    text NOT NULL UNIQUE,
         ente        text NOT NULL,
         stream_id   text NOT NULL,
         revision    integer NOT NULL,
         leaf_hash   bytea NOT NULL,
         UNIQUE (stream_id, revision)
       )`,
      `CREATE INDEX audit_leaves_ente ON audit_leaves (ente, leaf_index)`,
      `CREATE TABLE audit_subtrees (
         level smallint NOT NULL,
         idx   bigint NOT NULL,
         hash  bytea NOT NULL,
         PRIMARY KEY (level, idx)
       )`,
      `CREATE TABLE audit_tree (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         size      bigint NOT NULL,
         frontier  bytea NOT NULL,
         root      bytea NOT NULL
       )`,
      `CREATE TABLE audit_checkpoints (
         tree_size bigint PRIMARY KEY,
         root_hash bytea NOT NULL,
         origin    text NOT NULL,
         note      text NOT NULL,
         signed_at timestamptz NOT NULL
       )`,
    ];
    for (const statement of statements) await tx.query(statement);
  },
};

/**
 * Migration 8: the dossiers (fascicoli di audit). One row per DossierRequested event, written by the dossiers
 * processor; the builder claims a queued row, builds the dossier up to the request's position, and stores its three
 * files and their content hash in the row.
 */
const migration0008Dossiers: SqlMigration = {
  name: '0008-dossiers',
  async up(tx: SqlQuery): Promise<void> {
    await tx.query(
      `CREATE TABLE audit_dossiers (
         dossier_id     uuid PRIMARY KEY,
         ente           text NOT NULL,
         scope_kind     text NOT NULL,
         scope_id       text NOT NULL,
         requested_by   jsonb NOT NULL,
         requested_at   text NOT NULL,
         up_to_commit   bigint NOT NULL,
         up_to_prepare  bigint NOT NULL,
         status         text NOT NULL,
         progress       integer NOT NULL DEFAULT 0,
         note           text,
         attempts       integer NOT NULL DEFAULT 0,
         claim_id       uuid,
         claimed_until  timestamptz,
         not_before     timestamptz,
         checkpoint_size bigint,
         content_hash   text,
         pdf            bytea,
         json           bytea,
         csv            bytea,
         built_at       timestamptz
       )`,
    );
    await tx.query(`CREATE INDEX audit_dossiers_ente ON audit_dossiers (ente, up_to_commit DESC, up_to_prepare DESC)`);
    await tx.query(`CREATE INDEX audit_dossiers_waiting ON audit_dossiers (up_to_commit, up_to_prepare) WHERE status IN ('queued', 'building')`);
  },
};

/**
 * A dossier's files in pieces of about a megabyte (audit_dossier_files), written as they are rendered and read back
 * piece by piece on download, so that neither building nor serving a dossier of a large plan holds a file whole.
 * The pieces are those of one claim (`files_claim`): a builder that lost its claim writes none, and what a dead one
 * left is dropped when the dossier is stored, failed or requeued. Files built before are moved into one piece each.
 */
const migration0010DossierFiles: SqlMigration = {
  name: '0010-dossier-files',
  async up(tx: SqlQuery): Promise<void> {
    const moved = '00000000-0000-0000-0000-000000000000';
    const statements = [
      `CREATE TABLE audit_dossier_files (
         dossier_id uuid NOT NULL,
         claim_id   uuid NOT NULL,
         file       text NOT NULL,
         piece      integer NOT NULL,
         bytes      bytea NOT NULL,
         PRIMARY KEY (dossier_id, claim_id, file, piece)
       )`,
      `ALTER TABLE audit_dossiers ADD COLUMN files_claim uuid`,
      ...['pdf', 'json', 'csv'].map(
        (file) =>
          `INSERT INTO audit_dossier_files (dossier_id, claim_id, file, piece, bytes)
           SELECT dossier_id, '${moved}', '${file}', 0, ${file} FROM audit_dossiers WHERE status = 'ready' AND ${file} IS NOT NULL`,
      ),
      `UPDATE audit_dossiers SET files_claim = '${moved}' WHERE status = 'ready'`,
      `ALTER TABLE audit_dossiers DROP COLUMN pdf, DROP COLUMN json, DROP COLUMN csv`,
    ];
    for (const statement of statements) await tx.query(statement);
  },
};

export const AUDIT_MIGRATIONS: readonly SqlMigration[] = [migration0006Audit, migration0008Dossiers, migration0010DossierFiles];
