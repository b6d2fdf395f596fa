import type express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../platform/logger';
import { answerOf } from './metrics';

/** Probes and scrapes come every few seconds: not worth a log line each. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

/** The path without its query and fragment (a query can carry a cursor; never worth a console line). */
const pathOf = (req: IncomingMessage) => (req.url ?? '').split(/[?#]/, 1)[0];

/**
 * One line per request (`GET /meetings/webex/abc 200 12ms`), for a person reading the console
 * (LOG_FORMAT=pretty, where platform/logger.ts hides the request and response objects).
 */
const COMPACT_MESSAGES = {
  customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
    `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)}ms`,
  customErrorMessage: (req: IncomingMessage, res: ServerResponse, err: Error) =>
    `${req.method} ${pathOf(req)} ${res.statusCode} ${err.message}`,
};

/**
 * The request log: one line per answer, with the meeting it was about (its request line is found by
 * workflowId) and why one was refused. `compact`: the message itself says what happened, for the console;
 * otherwise pino-http's JSON lines, whole, for log pipelines.
 */
export function requestLogging(log: Logger, options: { compact?: boolean } = {}): express.RequestHandler {
  return pinoHttp({
    logger: log,
    autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url ?? '') },
    customProps: (_req, res) => {
      const { workflowId, error } = answerOf(res as express.Response) ?? {};
      return {
        ...(typeof workflowId === 'string' ? { workflowId } : {}),
        ...(typeof error === 'string' ? { errorCode: error } : {}),
      };
    },
    // A redirect's Location is a signed recording URL (GET …/recording): logged without its query and
    // fragment, which are its signature. (Credential request headers: platform/logger.ts redacts them.)
    serializers: {
      res: (res: { headers?: Record<string, unknown> }) => {
        const location = res.headers?.location;
        if (typeof location !== 'string') return res;
        return { ...res, headers: { ...res.headers, location: location.split(/[?#]/, 1)[0] } };
      },
    },
    ...(options.compact ? COMPACT_MESSAGES : {}),
  });
}
