import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf, validateSync, type ValidationError } from 'class-validator';
import { type SqlDatabaseConfig, type StorageConfig } from '@piao/storage';
import { IsServiceUrl } from './url-setting';

/**
 * Every setting, read from the environment once at boot. The defaults run the whole system on one machine with
 * nothing installed: PGlite in ./data and a development signing secret.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(['pglite', 'postgres', 'eventstoredb'])
  EVENT_STORE: StorageConfig['kind'] = 'pglite';

  @IsString()
  @MinLength(1)
  PGLITE_DATA_DIR = './data';

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'postgres')
  @IsString({ message: 'DATABASE_URL is required when EVENT_STORE=postgres (e.g. postgres://user@host:5432/db)' })
  @MinLength(1)
  DATABASE_URL?: string;

  /**
   * Ten, not more, by default: when the database comes back after an outage (or every connection is cut), the pool
   * opens all its connections at once, and PostgreSQL starts their backends one by one (20–40 ms each on a small
   * machine). With 20, the first query after a cut waited about half a second for that storm, and commands under
   * repeated cuts starved (test/faults/cut-connections.test.ts: 55–150 s and failing, against 10–22 s with 5–10);
   * a 2-core database gains nothing from more concurrent statements anyway.
   */
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @ValidateIf((c: AppConfig) => c.EVENT_STORE === 'eventstoredb')
  @IsString({ message: 'EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb (e.g. esdb://localhost:2113?tls=false)' })
  EVENTSTORE_CONNECTION_STRING?: string;

  /**
   * HS256 secret for development tokens. In production it is the alternative to OIDC_JWKS_URL (a gateway that signs
   * tokens with a shared secret), and its tokens are checked for OIDC_ISSUER and OIDC_AUDIENCE like the provider's.
   */
  @ValidateIf((c: AppConfig) => (c.NODE_ENV === 'production' ? !c.OIDC_JWKS_URL : c.JWT_SECRET !== undefined))
  @IsString({ message: 'JWT_SECRET (at least 32 characters) or OIDC_JWKS_URL is required in production' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  /** The identity provider's key set (jwks_uri): tokens are then verified against its RS/ES/PS/EdDSA keys only. */
  @IsOptional()
  @IsServiceUrl(['https', 'http'], {
    message: 'OIDC_JWKS_URL must be the http(s) URL of the identity provider’s key set (JWKS), e.g. https://idp.example/jwks',
  })
  OIDC_JWKS_URL?: string;

  /**
   * The `iss` every token must carry, compared character by character. Required in production: without it a token
   * from any issuer that shares the key set (or the secret) would be taken.
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.OIDC_ISSUER !== undefined)
  @IsServiceUrl(['https', 'http'], {
    message: 'OIDC_ISSUER must be the http(s) URL of the identity provider’s issuer, as in its tokens’ iss (required in production)',
  })
  OIDC_ISSUER?: string;

  /**
   * The `aud` every token must carry (this API's client id or resource identifier). Required in production: without it
   * a token the provider issued for another application would be taken here.
   */
  @ValidateIf((c: AppConfig) => c.NODE_ENV === 'production' || c.OIDC_AUDIENCE !== undefined)
  @Matches(/^[^\s]{1,2048}$/, {
    message: 'OIDC_AUDIENCE must name the audience (aud) of the tokens meant for this API, without spaces (required in production)',
  })
  OIDC_AUDIENCE?: string;

  /**
   * The web interface's client id at the identity provider: with it (and OIDC_ISSUER, OIDC_JWKS_URL) people sign in in
   * the browser with the authorization code flow and PKCE (docs/web.md). The provider must allow the redirect URI
   * PUBLIC_BASE_URL + /session/oidc/callback.
   */
  @ValidateIf((c: AppConfig) => c.OIDC_CLIENT_ID !== undefined)
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'OIDC_CLIENT_ID must be 1 to 255 printable characters without spaces' })
  OIDC_CLIENT_ID?: string;

  /** The client's secret when the provider registered it as a confidential client (sent in the token request's body). */
  @ValidateIf((c: AppConfig) => c.OIDC_CLIENT_SECRET !== undefined)
  @IsString()
  @MinLength(16, { message: 'OIDC_CLIENT_SECRET must be at least 16 characters long' })
  OIDC_CLIENT_SECRET?: string;

  /** The scopes the browser sign-in asks for; `openid` is always among them. */
  @Matches(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, { message: 'OIDC_SCOPES must be scope names separated by single spaces' })
  OIDC_SCOPES = 'openid profile';

  /**
   * The resource indicator (RFC 8707) the browser sign-in asks the access token for, when the provider issues tokens
   * for this API's audience only on request (e.g. the API's URL); not sent when unset.
   */
  @ValidateIf((c: AppConfig) => c.OIDC_RESOURCE !== undefined)
  @Matches(/^[^\s]{1,2048}$/, { message: 'OIDC_RESOURCE must be a resource identifier without spaces' })
  OIDC_RESOURCE?: string;

  /** How far apart the provider's clock and this one may be when exp, nbf and iat are checked. */
  @IsInt()
  @Min(0)
  @Max(300)
  OIDC_CLOCK_TOLERANCE_SECONDS = 30;

  /**
   * The longest the provider's key set is used without fetching it again, and the longest a verified token is
   * remembered: a key removed from the provider's set stops being accepted within this many seconds. The price: once
   * the set is this old and the provider cannot be reached, requests are answered 503 until it can.
   */
  @IsInt()
  @Min(1)
  @Max(3_600)
  OIDC_JWKS_MAX_AGE_SECONDS = 300;

  /**
   * A token signed with a key not in the set makes the set be fetched again (the provider may have added a key), but
   * no sooner than this many seconds after the previous fetch: a flood of made-up key ids costs one fetch per period.
   */
  @IsInt()
  @Min(1)
  @Max(3_600)
  OIDC_JWKS_COOLDOWN_SECONDS = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** HTTP worker processes sharing the port (Node cluster). PGlite allows one process only. */
  @IsInt()
  @Min(1)
  @Max(64)
  API_WORKERS = 1;

  /**
   * Runs the processors that follow the log (read models, plan processor) in this process; 'false' when the
   * projector process runs them. Each processor holds a lease, so extra instances wait as standbys.
   */
  @IsIn(['true', 'false'])
  RUN_PROCESSORS: 'true' | 'false' = 'true';

  /** How long a processor's lease lasts unless renewed: another process takes over a dead holder's within it. */
  @IsInt()
  @Min(1_000)
  @Max(300_000)
  PROCESSOR_LEASE_MS = 10_000;

  /**
   * How long a processor waits after a batch that did not fill up before reading the next (ms): under a stream of
   * commands the events of that time are handled in one transaction instead of one each, at the price of the read
   * models trailing the log by up to this long. A query with `after=` wakes the processors at once. 0: no wait.
   */
  @IsInt()
  @Min(0)
  @Max(1_000)
  PROCESSOR_GATHER_MS = 100;

  /** Readiness fails when a processor has events waiting and its checkpoint has not moved for this long. */
  @IsInt()
  @Min(1)
  PROCESSOR_STUCK_SECONDS = 60;

  /** Readiness fails when the oldest event a processor has not handled was recorded longer ago than this. */
  @IsInt()
  @Min(1)
  PROCESSOR_MAX_LAG_SECONDS = 300;

  /**
   * How long an answer of `/health/ready` is given again without checking anew (ms): probes from several load
   * balancers and supervisors then cost the database a few queries a second at most. 0 checks on every call.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  READINESS_CACHE_MS = 1_000;

  /**
   * Fault injection for the crash tests: with 'true' (only allowed with NODE_ENV=test) a command request carrying
   * `X-Fail-Point: before-append | during-append | after-append` kills the process (SIGKILL) at that point.
   */
  @IsIn(['true', 'false'])
  FAIL_POINTS: 'true' | 'false' = 'false';

  /**
   * Redis for the reminder queue (BullMQ): with it, apps/worker (`npm run worker`) sends the reminders; without it the
   * process that runs the processors sends them itself from the outbox (the embedded default).
   */
  @IsOptional()
  @IsServiceUrl(['redis', 'rediss'], { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** The SMTP server reminders leave through, `smtp://user:pass@host:port`; without it they are written as .eml files in MAIL_FOLDER. */
  @IsOptional()
  @IsServiceUrl(['smtp', 'smtps'], { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'PIAO promemoria <promemoria@localhost>';

  /** Where e-mails go without SMTP_URL: one .eml file per message. */
  @IsString()
  MAIL_FOLDER = './mail';

  /**
   * The web interface's development sign-in (pick a person and a role of DEMO_ENTE, docs/web.md). Open only outside
   * production and without an identity provider (OIDC_JWKS_URL), whatever this says; 'false' closes it there too.
   */
  @IsIn(['true', 'false'])
  DEVELOPMENT_SIGN_IN: 'true' | 'false' = 'true';

  /** The ente the development sign-in opens. */
  @IsString()
  @Matches(/^[a-z0-9-]{1,100}$/, { message: 'DEMO_ENTE must be 1 to 100 lowercase letters, digits or dashes' })
  DEMO_ENTE = 'comune-demo';

  /** Where the web interface's built files are (`npm run build` writes them): served at /app. */
  @IsString()
  @MinLength(1)
  WEB_DIST_DIR = './dist/web';

  /** The address people open the product at: links in e-mails and the calendar feed URL start with it. */
  @IsServiceUrl(['https', 'http'], { message: 'PUBLIC_BASE_URL must be the http(s) address of the product' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  /** How often the sender looks at the outbox for reminders whose time has come, in milliseconds. */
  @IsInt()
  @Min(50)
  @Max(600_000)
  REMINDER_POLL_MS = 1_000;

  /**
   * How long a sender's claim on a reminder lasts: the reminders a sender was delivering when it died wait this long
   * before another delivers them. Longer than the SMTP timeouts (10 s to connect, 20 s of silence).
   */
  @IsInt()
  @Min(30)
  @Max(3_600)
  REMINDER_CLAIM_SECONDS = 60;

  /** Attempts at a reminder that cannot leave (SMTP down) before it goes to the dead letters. */
  @IsInt()
  @Min(1)
  @Max(50)
  REMINDER_MAX_ATTEMPTS = 8;

  /** apps/worker: reminders one worker process delivers at the same time. */
  @IsInt()
  @Min(1)
  @Max(256)
  REMINDER_WORKER_CONCURRENCY = 8;

  /**
   * apps/worker: every this many seconds the reconciler puts every pending reminder of the outbox back in the queue (a
   * job already there is left as it is), so that what Redis lost (a FLUSHALL, a failover to a stale replica) is
   * scheduled again, and sent late rather than never.
   */
  @IsInt()
  @Min(1)
  @Max(86_400)
  REMINDER_RECONCILE_SECONDS = 60;

  /**
   * apps/worker: only the reminders due within this many hours are put in the queue; the rest wait in the outbox (the
   * record of what is to be sent) until their time comes near. Redis then holds a day of jobs rather than a year, and a
   * reconciliation after Redis lost its data re-adds a day's worth.
   */
  @IsInt()
  @Min(1)
  @Max(8_784)
  REMINDER_QUEUE_HORIZON_HOURS = 24;

  /** Readiness fails when a reminder whose time has come is still waiting after this many seconds (0: never fails on it). */
  @IsInt()
  @Min(0)
  REMINDER_MAX_LAG_SECONDS = 600;

  /**
   * The file holding the installation's Ed25519 key that signs the audit checkpoints (a signed-note signer key,
   * `PRIVATE+KEY+<name>+<id>+<key>`). Absent, it is created on first start (readable by the owner only) and its
   * verifier key is logged; `npm run audit -- keygen` makes one by hand, for rotation.
   */
  @IsString()
  AUDIT_SIGNER_KEY_FILE = './audit-signer.key';

  /**
   * The log's name in its checkpoints (C2SP tlog-checkpoint origin: a schema-less URL). Unset: the host of
   * PUBLIC_BASE_URL followed by /piao-audit.
   */
  @Matches(/^([^\s+]{1,200})?$/, { message: 'AUDIT_ORIGIN must be a schema-less URL without spaces or "+", e.g. comune.example.it/piao-audit' })
  AUDIT_ORIGIN = '';

  /** How often the process that runs the processors signs a checkpoint of the audit tree when it has grown (0: never). */
  @IsInt()
  @Min(0)
  @Max(86_400)
  AUDIT_CHECKPOINT_SECONDS = 300;

  /** The log's origin in its checkpoints. */
  auditOrigin(): string {
    return this.AUDIT_ORIGIN || `${new URL(this.PUBLIC_BASE_URL).host}/piao-audit`;
  }

  /** The prefix of the reminder queue's keys in Redis (BullMQ's `prefix`): installations sharing a Redis need their own. */
  @Matches(/^[\w.-]{1,50}$/, { message: 'REMINDER_QUEUE_PREFIX must be 1 to 50 letters, digits, dots, dashes or underscores' })
  REMINDER_QUEUE_PREFIX = 'piao';

  /**
   * The ente of the installation's operator: its admins (and nobody else) may open the queue dashboard at /admin/queues,
   * which shows the reminders of every ente. Unset: the dashboard is closed to everyone.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  QUEUE_DASHBOARD_ENTE?: string;

  /** How long the answers of commands sent with an Idempotency-Key are kept for replay. */
  @IsInt()
  @Min(1)
  @Max(365)
  IDEMPOTENCY_RETENTION_DAYS = 7;

  /** How long a query asked to wait for a command's position (`after`) may wait, at most, in milliseconds. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

  /**
   * Where the read models live when the events are not in SQL (EventStoreDB): DATABASE_URL if set, else PGlite
   * in PGLITE_DATA_DIR. With PostgreSQL or PGlite events, the read models share their database.
   */
  readModelDatabase(): SqlDatabaseConfig {
    return this.DATABASE_URL
      ? { kind: 'postgres', url: this.DATABASE_URL, poolSize: this.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: this.PGLITE_DATA_DIR };
  }

  storage(): StorageConfig {
    switch (this.EVENT_STORE) {
      case 'postgres':
        return { kind: 'postgres', url: this.DATABASE_URL!, poolSize: this.DATABASE_POOL_SIZE };
      case 'eventstoredb':
        return { kind: 'eventstoredb', connectionString: this.EVENTSTORE_CONNECTION_STRING!, database: this.readModelDatabase() };
      case 'pglite':
        return { kind: 'pglite', dataDir: this.PGLITE_DATA_DIR };
    }
  }
}

/** The well-known secret that signs development tokens; refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'piao-cycle-development-secret-do-not-use-in-production';

/** Settings without a default: absent unless the environment sets them. */
const OPTIONAL = [
  'DATABASE_URL',
  'EVENTSTORE_CONNECTION_STRING',
  'JWT_SECRET',
  'OIDC_JWKS_URL',
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_RESOURCE',
  'REDIS_URL',
  'SMTP_URL',
  'QUEUE_DASHBOARD_ENTE',
];

/**
 * A configuration that cannot run. Its message is one line, naming every bad setting: what an operator reads in the
 * journal of a service that will not start (and exit code 78, EX_CONFIG, tells the supervisor not to retry).
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/** Settings whose values are never repeated in a message: they hold, or may embed, a password. */
const SECRET = new Set(['JWT_SECRET', 'OIDC_CLIENT_SECRET', 'DATABASE_URL', 'EVENTSTORE_CONNECTION_STRING', 'REDIS_URL', 'SMTP_URL']);

/** Settings that were renamed: set, they would be ignored in silence, so the process refuses to start instead. */
const RENAMED: Record<string, string> = { RUN_PROJECTIONS: 'RUN_PROCESSORS (every processor, the read models included)' };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const renamed = Object.keys(RENAMED).filter((key) => env[key] !== undefined && env[key] !== '');
  if (renamed.length > 0) throw new ConfigError(renamed.map((key) => `${key}: no longer read; use ${RENAMED[key]}`));
  const raw: Record<string, unknown> = {};
  const defaults = new AppConfig() as unknown as Record<string, unknown>;
  for (const key of Object.keys(defaults).concat(OPTIONAL)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    // A setting whose default is a number is read as one (a number setting without a default would need listing).
    raw[key] = typeof defaults[key] === 'number' && /^\d+$/.test(value) ? Number(value) : value;
  }
  const config = plainToInstance(AppConfig, raw);
  const problems = validateSync(config, { forbidUnknownValues: false }).map(describe);
  if (config.EVENT_STORE === 'pglite' && config.API_WORKERS > 1) {
    problems.push('API_WORKERS: must be 1 with EVENT_STORE=pglite, since one process owns the data folder');
  }
  if (config.FAIL_POINTS === 'true' && config.NODE_ENV !== 'test') problems.push('FAIL_POINTS: fault injection is only allowed with NODE_ENV=test');
  if (config.NODE_ENV === 'production' && config.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    problems.push('JWT_SECRET: the development secret cannot be used in production');
  }
  if (config.NODE_ENV === 'production' && config.JWT_SECRET && config.OIDC_JWKS_URL) {
    // Tokens are verified against one source: a secret left beside the provider's key set would be ignored in silence.
    problems.push('JWT_SECRET, OIDC_JWKS_URL: set one of them, not both (with OIDC_JWKS_URL the secret is not used)');
  }
  if (config.OIDC_CLIENT_ID && (!config.OIDC_ISSUER || !config.OIDC_JWKS_URL)) {
    // The sign-in finds the provider by its issuer, and its sessions are tokens checked against the provider's keys.
    problems.push('OIDC_CLIENT_ID: the browser sign-in needs OIDC_ISSUER and OIDC_JWKS_URL too');
  }
  if (config.NODE_ENV === 'production' && config.OIDC_CLIENT_ID) {
    // The session cookie is Secure and host-only only over HTTPS, and the client's secret would cross the network in clear.
    if (!config.PUBLIC_BASE_URL.startsWith('https://')) problems.push('PUBLIC_BASE_URL: must be https:// for the browser sign-in in production');
    if (config.OIDC_ISSUER && !config.OIDC_ISSUER.startsWith('https://')) problems.push('OIDC_ISSUER: must be https:// for the browser sign-in in production');
  }
  if (config.OIDC_SCOPES !== undefined && !config.OIDC_SCOPES.split(' ').includes('openid')) {
    problems.push(`OIDC_SCOPES="${config.OIDC_SCOPES}": must include openid`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (config.NODE_ENV !== 'production' && !config.JWT_SECRET && !config.OIDC_JWKS_URL) config.JWT_SECRET = DEVELOPMENT_JWT_SECRET;
  return config;
}

function describe(error: ValidationError): string {
  const value = error.value === undefined ? ' (not set)' : SECRET.has(error.property) ? ' (value not shown)' : `=${JSON.stringify(error.value)}`;
  return `${error.property}${value}: ${Object.values(error.constraints ?? {}).join(', ')}`;
}

/** The configuration, or the process exits with every bad variable named: what each entry point does first. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
