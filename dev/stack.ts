// The whole service in one process, on real parts: a Temporal dev server, a worker on its own task queue,
// the API on an ephemeral port and the provider simulator, talking HTTP to each other. The integration
// tests start it (through test/helpers/stack.ts), and so does scripts/record-histories.ts.
import { Client, Connection } from '@temporalio/client';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { MeetingBaasClientOptions } from '../activities/meetingbaas/client';
import type { NotifySettings } from '../activities/notify/settings';
import { DEFAULT_NOTIFY_RETRY, type NotifyRetrySettings } from '../domain/notify/notification';
import type { WebexClientOptions } from '../activities/webex/client';
import { createApp } from '../api/app';
import type { DataConverter } from '@temporalio/common';
import { dataConverterFor } from '../contract/data-converter';
import type { EncryptionKey } from '../contract/payload-codec';
import { RecentDeliveries } from '../api/recent-deliveries';
import { MeetingsGateway } from '../api/temporal-gateway';
import type { AssetRetrySettings } from '../domain/asset-retry';
import { DEFAULT_WATCHDOG, type WatchdogSettings } from '../domain/watchdog';
import { DEFAULT_WEBEX_COLLECTION, type WebexCollectionSettings } from '../domain/webex/collection';
import { guardErasure, type Archive } from '../platform/archive';
import type { ApiToken } from '../platform/config';
import type { Logger } from '../platform/logger';
import { temporalLogger } from '../platform/temporal';
import { Simulator } from '../simulator/server';
import { createMeetingWorker } from '../worker/worker';
import { defaultTestArchive } from './test-archive';

export const API_KEY = 'test-meetingbaas-key';
/** Svix secret of the v2 webhooks, shared by the API and the simulator. */
export const WEBHOOK_SECRET = 'whsec_dGVzdC1tZWV0aW5nYmFhcy12Mi1zdml4LXNlY3JldCE=';
/** Secret of the Webex webhooks, shared by the API and the simulator. */
export const WEBEX_WEBHOOK_SECRET = 'test-webex-webhook-secret';
/** The bearer token the simulator's Webex API accepts. */
export const WEBEX_TOKEN = 'test-webex-token';
/** The API's bearer tokens (API_TOKENS), one of each scope. */
export const READ_TOKEN = 'test-read-token-0123456789';
export const WRITE_TOKEN = 'test-write-token-0123456789';
/** NOTIFY_WEBHOOK_SECRET of the stacks that notify (Standard Webhooks key: whsec_ and base64). */
export const NOTIFY_SECRET = 'whsec_dGVzdC1ub3RpZnktc2lnbmluZy1rZXktMDEyMzQ1Njc4OQ==';
export const API_TOKENS = [
  { scope: 'read', token: READ_TOKEN },
  { scope: 'write', token: WRITE_TOKEN },
] as const;
/** Headers of a request with a bearer token (the write token unless told). */
export const bearer = (token: string = WRITE_TOKEN): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});
const silent = pino({ level: 'silent' });
let runtimeInstalled = false;

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest (global setup)');
  return address;
}

/** Where the worker Runtime's lines go while a stack started with `log` runs (one Runtime per process). */
let workerLog: TemporalLogger | undefined;

export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const noop = () => {};
  const to =
    (level: LogLevel, fallback: (message: string, meta?: LogMetadata) => void) =>
    (message: string, meta?: LogMetadata): void => {
      if (workerLog) workerLog.log(level, message, meta);
      else fallback(message, meta);
    };
  Runtime.install({
    logger: {
      log: (level, message, meta) => {
        workerLog?.log(level, message, meta);
      },
      trace: to('TRACE', noop),
      debug: to('DEBUG', noop),
      info: to('INFO', noop),
      warn: to('WARN', noop),
      error: to('ERROR', console.error),
    },
  });
}

/**
 * Under jest the global setup has bundled the workflows once, plain and with the failure converter of
 * encrypted payloads; a script run bundles them in the worker (undefined).
 */
function testWorkflowBundle(encrypted: boolean): { codePath: string } | undefined {
  const codePath = encrypted ? process.env.TEST_WORKFLOW_BUNDLE_ENCRYPTED : process.env.TEST_WORKFLOW_BUNDLE;
  return codePath ? { codePath } : undefined;
}

export async function startWorker(opts: {
  taskQueue: string;
  archive: Archive;
  allowedHosts: string[];
  meetingBaas: MeetingBaasClientOptions;
  webex?: WebexClientOptions;
  address?: string;
  dataConverter?: DataConverter;
  notify?: NotifySettings;
}) {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address ?? temporalAddress() });
  const worker: Worker = await createMeetingWorker({
    connection,
    namespace: 'default',
    taskQueue: opts.taskQueue,
    archive: opts.archive,
    allowedHosts: opts.allowedHosts,
    meetingBaas: opts.meetingBaas,
    webex: opts.webex,
    dataConverter: opts.dataConverter,
    notify: opts.notify,
    workflowBundle: testWorkflowBundle(!!opts.dataConverter?.failureConverterPath),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface StackOptions {
  worker?: boolean;
  lingerSeconds?: number;
  bodyLimit?: number;
  address?: string;
  callTimeoutMs?: number;
  /** MEETINGBAAS_WEBHOOK_SECRET of the API; null: not configured (v2 webhooks refused). */
  webhookSecret?: string | null;
  /** Watchdog deadlines (tests shorten them); the rest stay at their defaults. */
  watchdog?: Partial<WatchdogSettings>;
  /** Which Meeting BaaS REST API the worker calls. */
  apiVersion?: MeetingBaasClientOptions['apiVersion'];
  botRequestTimeoutMs?: number;
  /** How Webex meetings look for their assets (tests shorten the pauses). */
  webex?: Partial<WebexCollectionSettings>;
  /** The worker's Webex client settings, over the defaults (the simulator's URL and token). */
  webexClient?: Partial<WebexClientOptions>;
  /** WEBEX_WEBHOOK_SECRET of the API; null: not configured (Webex webhooks refused). */
  webexWebhookSecret?: null;
  /** WEBEX_AUTO_RECORD of the API. */
  webexAutoRecord?: boolean;
  /** API_TOKENS of the API (default: API_TOKENS above); null: not configured. */
  apiTokens?: readonly ApiToken[] | null;
  /** How a transiently failing asset is retried (tests shorten the pauses). */
  assetRetry?: AssetRetrySettings;
  /**
   * The archive of the API and the worker: one (an S3Archive), or made for the stack's temporary directory
   * (tests inject write failures). Default: a FileArchive of that directory, or with TEST_ARCHIVE=s3 an
   * S3Archive on the run's S3 server under a prefix of the stack's own (dev/test-archive.ts).
   */
  archive?: Archive | ((dir: string) => Archive);
  /** The API's logger, which also gets the worker's lines (SDK, workflows, activities) while the stack runs. */
  log?: Logger;
  /** DELIVERY_DEDUPE_SECONDS of the API (default 0 here: every webhook signalled, as the tests expect). */
  dedupeSeconds?: number;
  /** The API logs one line per request, for a console (LOG_FORMAT=pretty). */
  compactRequestLog?: boolean;
  /** PAYLOAD_ENCRYPTION_KEYS of the API and the worker (unset: plain payloads). */
  encryptionKeys?: EncryptionKey[];
  /** CODEC_CORS_ORIGINS of the API (default: the dev server UI's usual origin). */
  codecCorsOrigins?: string[];
  /** The task queue (default: a new one): a stack started again on the same queue takes its meetings over. */
  taskQueue?: string;
  /**
   * Notifications: the simulator's consumers (simulator/consumer.ts) named here are NOTIFY_WEBHOOK_URLS,
   * signed with NOTIFY_SECRET, retried as `retry` says over DEFAULT_NOTIFY_RETRY. Unset: none.
   */
  notify?: { consumers: string[]; retry?: Partial<NotifyRetrySettings> };
}

export async function startStack(options: StackOptions = {}) {
  const address = options.address ?? temporalAddress();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-archive-'));
  const fallback = options.archive ? undefined : defaultTestArchive(archiveDir);
  // As archiveFromConfig does: nothing of an erased meeting is archived again.
  const archive = guardErasure(
    typeof options.archive === 'function'
      ? options.archive(archiveDir)
      : (options.archive ?? fallback!.archive),
  );
  const sim = await new Simulator({
    meetingBaasApiKey: API_KEY,
    meetingBaasWebhookSecret: WEBHOOK_SECRET,
    webexWebhookSecret: WEBEX_WEBHOOK_SECRET,
    webexAccessToken: WEBEX_TOKEN,
  }).start();
  const allowedHosts = [`http://${new URL(sim.url).host}`];
  const meetingBaas: MeetingBaasClientOptions = {
    baseUrl: sim.url,
    apiKey: API_KEY,
    apiVersion: options.apiVersion ?? 'v1',
  };
  const webex: WebexClientOptions = {
    baseUrl: `${sim.url}/webex/v1`,
    accessToken: WEBEX_TOKEN,
    ...options.webexClient,
  };

  const notify: NotifySettings | undefined = options.notify && {
    urls: options.notify.consumers.map((name) => `${sim.url}/consumer/${name}`),
    secret: NOTIFY_SECRET,
    retry: { ...DEFAULT_NOTIFY_RETRY, ...options.notify.retry },
  };

  const connection = Connection.lazy({ address });
  const dataConverter = dataConverterFor(options.encryptionKeys);
  const client = new Client({ connection, dataConverter });
  const gateway = new MeetingsGateway(client, {
    taskQueue,
    callTimeoutMs: options.callTimeoutMs ?? 5000,
    lingerSeconds: options.lingerSeconds ?? 0,
    watchdog: { ...DEFAULT_WATCHDOG, ...options.watchdog },
    botRequestTimeoutMs: options.botRequestTimeoutMs,
    webex: { ...DEFAULT_WEBEX_COLLECTION, ...options.webex },
    assetRetry: options.assetRetry,
    archive,
    ...(options.dedupeSeconds
      ? { recentDeliveries: new RecentDeliveries({ windowSeconds: options.dedupeSeconds }) }
      : {}),
  });
  const app = createApp({
    config: {
      API_TOKENS: options.apiTokens === null ? undefined : [...(options.apiTokens ?? API_TOKENS)],
      CODEC_CORS_ORIGINS: options.codecCorsOrigins ?? ['http://localhost:8233'],
      ...(options.compactRequestLog ? { LOG_FORMAT: 'pretty' as const } : {}),
      MEETINGBAAS_API_KEY: API_KEY,
      MEETINGBAAS_WEBHOOK_SECRET:
        options.webhookSecret === null ? undefined : (options.webhookSecret ?? WEBHOOK_SECRET),
      WEBEX_WEBHOOK_SECRET: options.webexWebhookSecret === null ? undefined : WEBEX_WEBHOOK_SECRET,
      WEBEX_AUTO_RECORD: options.webexAutoRecord ?? false,
      WEBHOOK_BODY_LIMIT: options.bodyLimit ?? 64 * 1024 * 1024,
    },
    gateway,
    archive,
    codec: dataConverter?.payloadCodecs?.[0],
    log: options.log ?? silent,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // PUBLIC_URL: the bots the service sends report to this API.
  meetingBaas.webhookUrl = `${apiUrl}/webhooks/meetingbaas`;
  if (options.log) {
    quietRuntime();
    workerLog = temporalLogger(options.log);
  }
  const worker =
    options.worker === false
      ? undefined
      : await startWorker({
          taskQueue,
          archive,
          allowedHosts,
          meetingBaas,
          webex,
          address,
          dataConverter,
          notify,
        });

  return {
    apiUrl,
    /** fetch on the API with the write token (tests of refusals use fetch itself). */
    api: (pathAndQuery: string, init: RequestInit = {}) =>
      fetch(`${apiUrl}${pathAndQuery}`, {
        ...init,
        headers: { ...bearer(), ...(init.headers as Record<string, string> | undefined) },
      }),
    webhookUrl: `${apiUrl}/webhooks/meetingbaas`,
    webexWebhookUrl: `${apiUrl}/webhooks/webex`,
    sim,
    archive,
    archiveDir,
    allowedHosts,
    meetingBaas,
    webex,
    /** The worker's notification settings (a test's second worker gets the same). */
    notify,
    taskQueue,
    client,
    worker,
    async stop() {
      await worker?.stop();
      if (options.log) workerLog = undefined;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sim.stop();
      await connection.close();
      fallback?.close();
      fs.rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}
export type Stack = Awaited<ReturnType<typeof startStack>>;
