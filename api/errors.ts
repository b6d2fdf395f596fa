import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode, Issue } from '../contract/errors';
import type { Logger } from '../platform/logger';

// Every error answer has the design's shape (contract/errors.ts).

export function sendError(
  res: Response,
  status: number,
  error: ErrorCode,
  message: string,
  issues?: Issue[],
): void {
  res.status(status).json(issues ? { error, message, issues } : { error, message });
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export const notFound: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`);
};

// body-parser's errors (express.json, express.raw...), by their `type`: a body of any shape is a 4xx.
const BODY_ERRORS: Record<string, [status: number, code: ErrorCode, message: string]> = {
  'encoding.unsupported': [415, 'unsupported_media_type', 'send the body uncompressed (no Content-Encoding)'],
  'charset.unsupported': [415, 'unsupported_media_type', 'unsupported charset: send UTF-8'],
  'entity.too.large': [413, 'payload_too_large', 'request body is larger than the configured limit'],
  'parameters.too.many': [413, 'payload_too_large', 'the body has too many parameters'],
  'entity.parse.failed': [400, 'invalid_json', 'body is not valid JSON'],
  'request.aborted': [400, 'invalid_payload', 'the request body was not received whole'],
  'request.size.invalid': [400, 'invalid_payload', 'the body is not as long as its Content-Length'],
};

// A request stream that broke (the sender went away): nothing to answer, nothing to fix here.
const ABORTED_STREAM_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'EPIPE']);

/**
 * Last handler: body-parser errors and other errors carrying a 4xx `status` become their 4xx, a request
 * stream broken by its sender a 400; anything else is a bug, logged and answered 500.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = (typeof err === 'object' && err !== null ? err : {}) as {
      status?: unknown;
      statusCode?: unknown;
      type?: unknown;
      code?: unknown;
    };
    const known = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
    if (known) return sendError(res, ...known);
    const status = Number(e.status ?? e.statusCode);
    if (status === 413)
      return sendError(res, 413, 'payload_too_large', 'request body is larger than the configured limit');
    if (status === 415)
      return sendError(res, 415, 'unsupported_media_type', 'unsupported content encoding or charset');
    if (status >= 400 && status < 500)
      return sendError(res, 400, 'invalid_payload', 'the request body could not be read');
    if (!req.complete && typeof e.code === 'string' && ABORTED_STREAM_CODES.has(e.code)) {
      log.warn({ err }, 'request stream broken by its sender');
      return sendError(res, 400, 'invalid_payload', 'the request body was not received whole');
    }
    log.error({ err }, 'unhandled error');
    sendError(res, 500, 'internal_error', 'internal error');
  };
}
