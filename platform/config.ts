import bytes from 'bytes';
import fs from 'node:fs';
import { z } from 'zod';

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
  /** How long a finished meeting's workflow stays open to record late deliveries. */
  MEETING_LINGER_SECONDS: z.coerce.number().int().min(0).default(3600),
});

export type Config = z.infer<typeof configSchema>;

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
