import bytes from 'bytes';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HOST_PATTERN_EXAMPLES, parseHostPattern } from '../domain/hosts';
import { DEFAULT_WEBEX_COLLECTION, type WebexCollectionSettings } from '../domain/webex/collection';
import { DEFAULT_WATCHDOG, type WatchdogSettings } from '../domain/watchdog';
import { commaSeparated } from '../contract/comma-separated';
import { encryptionKeysSchema } from '../contract/encryption-keys';
import { DEFAULT_NOTIFY_RETRY, type NotifyRetrySettings } from '../domain/notify/notification';

// Every setting of every process, read from the environment (and .env), validated once at start.

const optionalString = z.string().min(1).optional();
const flag = z
  .enum(['true', 'false', '1', '0'], 'must be true or false')
  .default('false')
  .transform((v) => v === 'true' || v === '1');
const seconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port');

/** S3's bucket names: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** The prefix's segments: what archive keys allow (platform/archive/archive.ts). */
const S3_PREFIX_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `ARCHIVE_URL`: `s3://<bucket>[/<prefix>]` (object storage), `file:///<dir>` (that directory) or `file://`
 * (ARCHIVE_DIR). Anything else is refused, so that a typo never archives somewhere unexpected.
 */
const archiveUrl = z.string().transform((value, ctx) => {
  const s3 = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(value);
  if (s3) {
    const bucket = s3[1]!;
    const prefix = (s3[2] ?? '').replace(/\/+$/, '');
    if (!S3_BUCKET.test(bucket)) {
      ctx.addIssue({ code: 'custom', message: `${bucket} is not an S3 bucket name (3-63 of a-z 0-9 . -)` });
      return z.NEVER;
    }
    if (prefix && !prefix.split('/').every((s) => S3_PREFIX_SEGMENT.test(s))) {
      ctx.addIssue({
        code: 'custom',
        message: 'the prefix is /-separated names of letters, digits and ._- (not starting with . or -)',
      });
      return z.NEVER;
    }
    return { kind: 's3' as const, bucket, prefix };
  }
  if (value === 'file://') return { kind: 'directory' as const };
  if (value.startsWith('file:///')) {
    try {
      return { kind: 'directory' as const, dir: fileURLToPath(value) };
    } catch {
      // not a usable file URL: refused below
    }
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be s3://<bucket>[/<prefix>], file:///<directory> or file:// (ARCHIVE_DIR)',
  });
  return z.NEVER;
});
export type ArchiveUrl = z.infer<typeof archiveUrl>;

export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** `API_TOKENS`: comma-separated `<scope>:<token>` entries (see the README's Security section). */
const apiTokens = commaSeparated.pipe(
  z
    .array(
      z
        .string()
        // Long enough that guessing is hopeless; the characters of base64, base64url and hex.
        .regex(
          /^(read|write):[A-Za-z0-9._~+/=-]{16,}$/,
          'entries look like read:<token> or write:<token>, tokens of at least 16 letters, digits or ._~+/=-',
        )
        .transform((entry) => {
          const at = entry.indexOf(':');
          return { scope: entry.slice(0, at) as TokenScope, token: entry.slice(at + 1) };
        }),
    )
    .min(1),
);
export type ApiToken = { scope: TokenScope; token: string };

/** `NOTIFY_WEBHOOK_URLS`: comma-separated http(s) URLs the meetings' outcomes are POSTed to. */
const notifyUrls = commaSeparated.pipe(
  z.array(z.url({ protocol: /^https?$/, error: 'each entry must be an http(s) URL' })).min(1),
);

/** `NOTIFY_WEBHOOK_SECRET`: a Standard Webhooks key, `whsec_` and the base64 of at least 24 bytes. */
const notifySecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_<base64>')
  .refine((v) => Buffer.from(v.slice('whsec_'.length), 'base64').length >= 24, {
    message: 'the key after whsec_ must be at least 24 bytes, base64-encoded (openssl rand -base64 32)',
  });

const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Bearer tokens of other services and operators; unset: only webhooks and probes answer. */
    API_TOKENS: apiTokens.optional(),
    /** Encrypts every Temporal payload (contract/payload-codec.ts); unset: plain payloads. */
    PAYLOAD_ENCRYPTION_KEYS: encryptionKeysSchema.optional(),
    /** Origins (comma-separated) whose browsers may call /codec/* (the Temporal UI's). */
    CODEC_CORS_ORIGINS: commaSeparated.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
    /** The service's public base URL: the webhook URL of the bots it sends is built from it. */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_API_KEY: optionalString,
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('meetings'),
    /** How long the API waits for Temporal before answering 503. */
    TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    /** Where the worker serves its Temporal SDK metrics for Prometheus (`/metrics`); `off`: not served. */
    WORKER_METRICS_ADDRESS: z
      .union([z.literal('off'), hostPort], 'must be host:port or off')
      .default('127.0.0.1:9464')
      .transform((v) => (v === 'off' ? undefined : v)),
    /** On SIGTERM/SIGINT, how long running activities may go on before they are cancelled (then retried). */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(60),
    /** On SIGTERM/SIGINT, how long the API waits for requests in flight before closing their connections. */
    API_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),

    MEETINGBAAS_API_KEY: optionalString,
    MEETINGBAAS_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must start with whsec_').optional(),
    MEETINGBAAS_API_URL: z.url().default('https://api.meetingbaas.com'),
    /** Which Meeting BaaS REST API the service calls (sending bots, reconciling, refreshing URLs). */
    MEETINGBAAS_API_VERSION: z.enum(['v1', 'v2']).default('v1'),
    WEBEX_WEBHOOK_SECRET: optionalString,
    WEBEX_ACCESS_TOKEN: optionalString,
    WEBEX_API_URL: z.url().default('https://webexapis.com/v1'),
    /** The OAuth refresh-token flow (all three, instead of WEBEX_ACCESS_TOKEN): tokens renewed before expiry. */
    WEBEX_CLIENT_ID: optionalString,
    WEBEX_CLIENT_SECRET: optionalString,
    WEBEX_REFRESH_TOKEN: optionalString,
    /** Turn on automatic recording of every Webex meeting created (meetings.created webhook). */
    WEBEX_AUTO_RECORD: flag,
    /** After a Webex meeting ended, how long to look for its recordings and transcript. */
    WEBEX_ASSET_DEADLINE_SECONDS: seconds(DEFAULT_WEBEX_COLLECTION.assetDeadlineSeconds),
    /** First pause between two looks for them (doubling up to WEBEX_ASSET_POLL_MAX_SECONDS). */
    WEBEX_ASSET_POLL_SECONDS: seconds(DEFAULT_WEBEX_COLLECTION.pollIntervalSeconds),
    WEBEX_ASSET_POLL_MAX_SECONDS: seconds(DEFAULT_WEBEX_COLLECTION.maxPollIntervalSeconds),

    ARCHIVE_DIR: z.string().min(1).default('./data/archive'),
    /** Where the archive is: unset or file:// the directory ARCHIVE_DIR, s3://... object storage. */
    ARCHIVE_URL: archiveUrl.optional(),
    DOWNLOAD_ALLOWED_HOSTS: commaSeparated
      .default(['*.amazonaws.com', '*.meetingbaas.com', '*.webex.com', '*.wbx2.com'])
      .transform((hosts) => hosts.map((h) => h.toLowerCase()))
      .pipe(
        z
          .array(
            z
              .string()
              .refine(
                (pattern) => parseHostPattern(pattern) !== undefined,
                `host patterns look like ${HOST_PATTERN_EXAMPLES} (https only unless http:// is written)`,
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
    /**
     * After the call ended, when to give up on the final data (the meeting fails `final_event_missing`); and
     * after a Meeting BaaS meeting's collection started, until when an asset that fails for a transient
     * reason (domain/failures.ts) is retried before it is marked `unavailable`.
     */
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
    /** While a meeting is live: how long without news before its provider's API is asked where it stands. */
    SILENCE_TIMEOUT_SECONDS: seconds(DEFAULT_WATCHDOG.silenceTimeoutSeconds),
    /** After a meeting's first event: when one that never ended is reconciled a last time, then fails `no_end`. */
    MEETING_DEADLINE_SECONDS: seconds(DEFAULT_WATCHDOG.meetingDeadlineSeconds),
    /** How long POST /bots waits for the provider's answer before replying 202 (the request goes on). */
    BOT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    /** How long a finished meeting's workflow stays open to record late deliveries. */
    MEETING_LINGER_SECONDS: z.coerce.number().int().min(0).default(3600),
    /**
     * How long the API remembers a webhook it signalled (per process, by meeting and dedupe key): a
     * duplicate within this window is answered 200 without a signal (api/recent-deliveries.ts). 0: off.
     */
    DELIVERY_DEDUPE_SECONDS: z.coerce.number().int().min(0).default(600),
    /** Where every meeting's outcome is POSTed (Standard Webhooks); unset: nowhere. */
    NOTIFY_WEBHOOK_URLS: notifyUrls.optional(),
    /** The key notifications are signed with; needed with NOTIFY_WEBHOOK_URLS. */
    NOTIFY_WEBHOOK_SECRET: notifySecret.optional(),
    /** How long a notification is retried (with backoff) before it is `failed`; fractions allowed. */
    NOTIFY_RETRY_HOURS: z.coerce
      .number()
      .positive()
      .default(DEFAULT_NOTIFY_RETRY.windowSeconds / 3600),
    /** How long a notified service has to answer one attempt. */
    NOTIFY_TIMEOUT_SECONDS: seconds(DEFAULT_NOTIFY_RETRY.attemptTimeoutSeconds),
  })
  .superRefine((config, ctx) => {
    if (config.NOTIFY_WEBHOOK_URLS && !config.NOTIFY_WEBHOOK_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFY_WEBHOOK_SECRET'],
        message: 'needed with NOTIFY_WEBHOOK_URLS (notifications are signed)',
      });
    const oauth = ['WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'WEBEX_REFRESH_TOKEN'] as const;
    const set = oauth.filter((name) => config[name] !== undefined);
    if (set.length > 0 && set.length < oauth.length) {
      for (const name of oauth.filter((n) => config[n] === undefined))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `needed with ${set.join(' and ')} (OAuth refresh flow)`,
        });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The notifications of meetings' outcomes, as configured (the worker sends them). */
export function notifySettings(config: Config): {
  urls: string[];
  secret?: string;
  retry: NotifyRetrySettings;
} {
  return {
    urls: config.NOTIFY_WEBHOOK_URLS ?? [],
    ...(config.NOTIFY_WEBHOOK_SECRET ? { secret: config.NOTIFY_WEBHOOK_SECRET } : {}),
    retry: {
      ...DEFAULT_NOTIFY_RETRY,
      windowSeconds: Math.round(config.NOTIFY_RETRY_HOURS * 3600),
      attemptTimeoutSeconds: config.NOTIFY_TIMEOUT_SECONDS,
    },
  };
}

/** The meeting workflows' watchdog deadlines, as configured. */
export function watchdogSettings(config: Config): WatchdogSettings {
  return {
    finalDataTimeoutSeconds: config.FINAL_DATA_TIMEOUT_SECONDS,
    finalDataDeadlineSeconds: config.FINAL_DATA_DEADLINE_SECONDS,
    waitingRoomTimeoutSeconds: config.WAITING_ROOM_TIMEOUT_SECONDS,
    graceSeconds: config.WATCHDOG_GRACE_SECONDS,
    reconcileIntervalSeconds: config.RECONCILE_INTERVAL_SECONDS,
    silenceTimeoutSeconds: config.SILENCE_TIMEOUT_SECONDS,
    meetingDeadlineSeconds: config.MEETING_DEADLINE_SECONDS,
  };
}

/** How Webex meetings look for their assets, as configured. */
export function webexCollectionSettings(config: Config): WebexCollectionSettings {
  return {
    assetDeadlineSeconds: config.WEBEX_ASSET_DEADLINE_SECONDS,
    pollIntervalSeconds: config.WEBEX_ASSET_POLL_SECONDS,
    maxPollIntervalSeconds: config.WEBEX_ASSET_POLL_MAX_SECONDS,
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
