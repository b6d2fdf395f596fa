import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../platform/logger';

// Every error answer has the design's shape: {error: <code>, message, issues?}.

export const ERROR_CODES = [
  'invalid_json',
  'invalid_payload',
  'unauthorized',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'temporal_unavailable',
  'archive_unavailable',
  'provider_rejected',
  'provider_unavailable',
  'provider_not_configured',
  'recording_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer (the OpenAPI document's `Error`). */
export const errorBodySchema = z.object({
  error: z.enum(ERROR_CODES),
  message: z.string(),
  /** The validation issues, for `invalid_payload`. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Issue = NonNullable<z.infer<typeof errorBodySchema>['issues']>[number];

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

/** Last handler: body-parser errors become their 4xx; anything else is a bug, logged and answered 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status === 413)
      return sendError(res, 413, 'payload_too_large', 'request body is larger than the configured limit');
    if (status === 415)
      return sendError(res, 415, 'unsupported_media_type', 'unsupported content encoding or charset');
    if (status >= 400 && status < 500)
      return sendError(res, 400, 'invalid_payload', 'the request body could not be read');
    log.error({ err }, 'unhandled error');
    sendError(res, 500, 'internal_error', 'internal error');
  };
}
