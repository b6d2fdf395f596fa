import express, { type RequestHandler } from 'express';
import { sendError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** The exact bytes received (signatures and claim checks need them). */
    rawBody?: Buffer;
  }
}

/**
 * Reads a JSON body, keeping its raw bytes: 415 unless the content type is JSON, 413 above `limit`,
 * 400 `invalid_json` when it does not parse. Sets `req.rawBody` and `req.body`.
 */
export function jsonBody(limit: number): RequestHandler[] {
  return [
    (req, res, next) => {
      if (!req.is(['application/json', 'application/*+json'])) {
        return sendError(res, 415, 'unsupported_media_type', 'send the body as application/json');
      }
      next();
    },
    express.raw({ type: () => true, limit }),
    (req, res, next) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.rawBody = raw;
      try {
        req.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch (err) {
        return sendError(res, 400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
      }
      next();
    },
  ];
}
