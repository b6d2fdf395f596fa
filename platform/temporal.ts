import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { temporal } from '@temporalio/proto';
import { setTimeout as delay } from 'node:timers/promises';
import { SEARCH_ATTRIBUTE_KEYS } from '../contract/search-attributes';
import type { Logger } from './logger';

export const DEV_SERVER_ADDRESS = '127.0.0.1:7233';

/**
 * Connection settings as the Temporal CLI reads them (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_*, TEMPORAL_PROFILE and its config file), defaulting to the local dev server.
 */
export function temporalConnectConfig(env: NodeJS.ProcessEnv = process.env) {
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars: vars });
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? DEV_SERVER_ADDRESS },
    namespace: namespace ?? 'default',
  };
}

/** Retries `connect` until Temporal answers (the dev server takes a few seconds to come up). */
export async function connectWithRetry<T>(
  connect: () => Promise<T>,
  log: Logger,
  address: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      log.info(
        { address, retryInMs: wait },
        `waiting for Temporal: ${err instanceof Error ? err.message : String(err)}`,
      );
      await delay(wait);
    }
  }
}

interface OperatorService {
  listSearchAttributes(req: {
    namespace: string;
  }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
  addSearchAttributes(req: {
    namespace: string;
    searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType>;
  }): Promise<unknown>;
}

/**
 * Registers the design's search attributes where they are missing (an external cluster; the dev server
 * gets them at start). Best effort: Temporal Cloud, for one, manages them outside this API.
 */
export async function ensureSearchAttributes(
  operator: OperatorService,
  namespace: string,
  log: Logger,
): Promise<void> {
  try {
    const { customAttributes } = await operator.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTE_KEYS.filter((k) => !customAttributes?.[k.name]);
    if (!missing.length) return;
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`]]),
      ),
    });
    log.info({ added: missing.map((k) => k.name) }, 'registered search attributes');
  } catch (err) {
    log.warn(
      { err },
      'could not check or register search attributes; register MeetingProvider, MeetingStatus (Keyword) and MeetingEndedAt (Datetime) by hand',
    );
  }
}

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

/**
 * Temporal's logger interface over pino, installed as the worker Runtime's logger: the SDK's own lines, Core's
 * (when forwarded), `wf.log` in workflows and `log` in activities come out as the process's JSON lines. The
 * SDK adds the context as metadata: workflowId, runId, workflowType, taskQueue, namespace, and activityId,
 * activityType and attempt for activities (`sdkComponent` says which part logged).
 */
export function temporalLogger(log: Logger): TemporalLogger {
  const to = (level: LogLevel, message: string, meta?: LogMetadata) => {
    log[PINO_LEVEL[level]](meta ?? {}, message);
  };
  return {
    log: to,
    trace: (m, meta) => to('TRACE', m, meta),
    debug: (m, meta) => to('DEBUG', m, meta),
    info: (m, meta) => to('INFO', m, meta),
    warn: (m, meta) => to('WARN', m, meta),
    error: (m, meta) => to('ERROR', m, meta),
  };
}
