import bytes from 'bytes';
import fs from 'node:fs';
import { z } from 'zod';
import { DEFAULT_WATCHDOG, type WatchdogSettings } from '../domain/watchdog';

// Every setting of every process, read from the environment (and .env), validated once at start.

const optionalString = z.string().min(1).optional();
const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port');

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('meetings'),
  /** How long the API waits for Temporal before answering 503. */
  TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),

  MEETINGBAAS_API_KEY: optionalString,
  MEETINGBAAS_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must start with whsec_').optional(),
  MEETINGBAAS_API_URL: z.url().default('https://api.meetingbaas.com'),
  /** Which Meeting BaaS REST API the service calls (sending bots, reconciling, refreshing URLs). */
  MEETINGBAAS_API_VERSION: z.enum(['v1', 'v2']).default('v1'),
  WEBEX_WEBHOOK_SECRET: optionalString,
  WEBEX_ACCESS_TOKEN: optionalString,
  WEBEX_API_URL: z.url().default('https://webexapis.com/v1'),

  ARCHIVE_DIR: z.string().min(1).default('./data/archive'),
  DOWNLOAD_ALLOWED_HOSTS: z
    .string()
    .default('*.amazonaws.com,*.meetingbaas.com,*.webex.com,*.wbx2.com')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/,
              'host patterns look like example.com, *.example.com or localhost:4010',
            ),
        )
        .min(1),
    ),
  /** Largest webhook body accepted; a 4-hour meeting's `complete` with its transcript fits well below. */
  WEBHOOK_BODY_LIMIT: z
    .string()
    .default('64mb')
    .refine((v) => bytes.parse(v) !== null && bytes.parse(v)! > 0, 'must be a size such as 64mb or 1048576')
    .transform((v) => bytes.parse(v)!),
  /** After the call ended, how long to wait for the final webhook before asking the provider's API. */
  FINAL_DATA_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_WATCHDOG.finalDataTimeoutSeconds),
  /** After the call ended, when to give up on the final data (the meeting fails `final_event_missing`). */
  FINAL_DATA_DEADLINE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_WATCHDOG.finalDataDeadlineSeconds),
  /** The bot's waiting-room timeout when its request did not set one (Meeting BaaS's default). */
  WAITING_ROOM_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_WATCHDOG.waitingRoomTimeoutSeconds),
  /** Added to the provider's own timeouts before a watchdog steps in. */
  WATCHDOG_GRACE_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_WATCHDOG.graceSeconds),
  /** First wait between two questions to the provider's API while reconciling (doubles up to 30 min). */
  RECONCILE_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_WATCHDOG.reconcileIntervalSeconds),
  /** How long POST /bots waits for the provider's answer before replying 202 (the request goes on). */
  BOT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long a finished meeting's workflow stays open to record late deliveries. */
  MEETING_LINGER_SECONDS: z.coerce.number().int().min(0).default(3600),
});

export type Config = z.infer<typeof configSchema>;

/** The meeting workflows' watchdog deadlines, as configured. */
export function watchdogSettings(config: Config): WatchdogSettings {
  return {
    finalDataTimeoutSeconds: config.FINAL_DATA_TIMEOUT_SECONDS,
    finalDataDeadlineSeconds: config.FINAL_DATA_DEADLINE_SECONDS,
    waitingRoomTimeoutSeconds: config.WAITING_ROOM_TIMEOUT_SECONDS,
    graceSeconds: config.WATCHDOG_GRACE_SECONDS,
    reconcileIntervalSeconds: config.RECONCILE_INTERVAL_SECONDS,
  };
}

/** Values of these are never repeated in messages. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/;

export class ConfigError extends Error {}

/** Parses the given environment; throws one ConfigError naming every bad or missing value. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  // An empty (or blank) variable means "not set", as it does for the Temporal CLI.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const value = present[name];
    const shown = value === undefined || SECRET_NAME.test(name) ? '' : ` (got ${JSON.stringify(value)})`;
    return `  - ${name}: ${issue.message}${shown}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Loads .env (values already in the environment win), then validates; on error prints and exits 1. */
export function loadConfigOrExit(envFile = '.env'): Config {
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
