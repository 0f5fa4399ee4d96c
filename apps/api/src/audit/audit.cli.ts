/**
 * The audit log from the command line, on the database the configuration names (stop the API first on the embedded
 * default: PGlite's folder is locked by the process that has it open).
 *
 *   npm run audit -- keygen [name]      a new checkpoint-signing key: the signer key (keep it secret: put it in the
 *                                       file AUDIT_SIGNER_KEY_FILE names) and its verifier key (publish it)
 *   npm run audit -- verify             re-checks the whole log against its tree and signed checkpoints (their notes
 *                                       checked with the key of AUDIT_SIGNER_KEY_FILE and those of AUDIT_VERIFIER_KEYS);
 *                                       prints the report as JSON; exit code 1 when something does not match
 *   npm run audit -- verify --ente <id> | --stream <streamId>
 *                                       re-checks that part only: each event against its leaf, and each leaf proved
 *                                       included in the latest signed checkpoint (verifyScope)
 *   npm run audit -- checkpoint         signs a checkpoint of the tree as it stands now and prints the signed note
 */
import { AUDIT_MIGRATIONS, readSignerKey, verifyLog, verifyScope, writeCheckpoint } from '@piao/audit';
import { loadConfigOrExit } from '@piao/config';
import { generateNoteKey, isValidKeyName } from '@piao/lifecycle';
import { openStorage } from '@piao/storage';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const [command, argument] = args;
  if (command === 'keygen') {
    const config = loadConfigOrExit();
    const name = argument ?? config.auditOrigin();
    if (!isValidKeyName(name)) {
      console.error(`not a key name: ${JSON.stringify(name)} (no spaces, no "+")`);
      return 2;
    }
    const key = generateNoteKey(name);
    console.log(`signer key (secret; the content of AUDIT_SIGNER_KEY_FILE):\n${key.signerKey}\n\nverifier key (publish it):\n${key.verifierKey}`);
    return 0;
  }
  if (command !== 'verify' && command !== 'checkpoint') {
    console.error('usage: npm run audit -- keygen [name] | verify | checkpoint');
    return 2;
  }
  const config = loadConfigOrExit();
  const storage = await openStorage(config.storage());
  try {
    await storage.sql.migrate(AUDIT_MIGRATIONS);
    if (command === 'verify') {
      // The stored checkpoints are checked against their signed notes with the installation's verifier key, and any
      // other verifier keys named in AUDIT_VERIFIER_KEYS (comma-separated: the keys of earlier rotations).
      const own = await readSignerKey(config.AUDIT_SIGNER_KEY_FILE).then(
        (key) => [key.verifierKey],
        () => [],
      );
      const verifierKeys = [
        ...own,
        ...(process.env.AUDIT_VERIFIER_KEYS ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ];
      if (verifierKeys.length === 0)
        console.error('no verifier key (neither AUDIT_SIGNER_KEY_FILE nor AUDIT_VERIFIER_KEYS): the checkpoints’ signatures are not checked');
      // `verify --ente <id>` or `verify --stream <streamId>`: that part only, proved against the latest signed checkpoint.
      const flag = args.indexOf('--ente') >= 0 ? '--ente' : args.indexOf('--stream') >= 0 ? '--stream' : undefined;
      const value = flag ? args[args.indexOf(flag) + 1] : undefined;
      if (flag && !value) {
        console.error(`usage: npm run audit -- verify [${flag} <id>]`);
        return 2;
      }
      const report = flag
        ? await verifyScope(storage.events, storage.sql, flag === '--ente' ? { ente: value } : { streamId: value }, { verifierKeys })
        : await verifyLog(storage.events, storage.sql, { verifierKeys });
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    // Never creates a key: signing with a key nobody published would be worse than not signing.
    const key = await readSignerKey(config.AUDIT_SIGNER_KEY_FILE);
    const signed = await writeCheckpoint(storage.sql, { origin: config.auditOrigin(), signerKey: key.signer, now: new Date() });
    process.stdout.write(signed.note);
    console.error(`verifier key: ${key.verifierKey}`);
    return 0;
  } finally {
    await storage.sql.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
