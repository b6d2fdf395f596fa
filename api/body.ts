// Reading a JSON body in steps, so that a route can authenticate the raw bytes before anything parses them:
//   jsonHeaders (cheap, no byte read) → rawBody (bytes, limited, never inflated) → [signature check] →
//   parseJson (nesting depth scanned on the bytes, then JSON.parse).
import type { Request, RequestHandler, Response } from 'express';
import getRawBody from 'raw-body';
import type { ErrorCode } from '../contract/errors';
import { sendError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** The exact bytes received (signatures and claim checks need them). */
    rawBody?: Buffer;
  }
}

/** Deepest nesting of arrays and objects accepted in a JSON body. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether the JSON text in `raw` nests arrays/objects deeper than `max`: one pass over the bytes, brackets
 * inside strings (escapes included) not counted. Exact for valid JSON; for invalid JSON the answer does not
 * matter (JSON.parse refuses it). UTF-8 continuation bytes are ≥ 0x80, so they never look like `"[{\`.
 */
export function nestedDeeperThan(raw: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

// An answer given before the body is read closes the connection: Node would otherwise read the rest of the
// unread body off the wire (however big, for as long as the sender sends) to keep the connection alive.
const keepAliveOf = new WeakMap<Response, boolean>();

/**
 * First step of a route that reads its body late (after checking credentials): until `rawBody` has read
 * the body, an answer closes the connection.
 */
export const closeUntilBodyRead: RequestHandler = (_req, res, next) => {
  if (!keepAliveOf.has(res)) keepAliveOf.set(res, res.shouldKeepAlive);
  res.shouldKeepAlive = false;
  next();
};

/** A refusal sent without reading the (rest of the) body. */
function refuseUnread(res: Response, status: number, code: ErrorCode, message: string): void {
  res.shouldKeepAlive = false;
  sendError(res, status, code, message);
}

/** The Content-Encoding, lower-cased; `identity` when absent. */
function contentEncoding(req: Request): string {
  return (req.get('content-encoding') ?? '').trim().toLowerCase() || 'identity';
}

/**
 * Checks made on the headers alone, before a byte of the body is read: 415 unless the content type is JSON
 * and the body is not encoded (a compressed body is never inflated: a few KB of gzip can be gigabytes).
 */
export const jsonHeaders: RequestHandler = (req, res, next) => {
  if (!req.is(['application/json', 'application/*+json'])) {
    return refuseUnread(res, 415, 'unsupported_media_type', 'send the body as application/json');
  }
  const encoding = contentEncoding(req);
  if (encoding !== 'identity') {
    return refuseUnread(
      res,
      415,
      'unsupported_media_type',
      `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted: send the body uncompressed`,
    );
  }
  next();
};

/**
 * Reads the raw bytes into `req.rawBody` with raw-body (run `jsonHeaders` first), never inflated: 413 above
 * `limit`, from Content-Length before a byte is read when it announces more, else as soon as more arrive
 * (raw-body then pauses the stream instead of draining it, as body-parser would); 400 when the body does
 * not arrive whole.
 */
export function rawBody(limit: number): RequestHandler {
  return (req, res, next) => {
    if (req.rawBody) return next();
    // Defence in depth: refuse an encoded body even if `jsonHeaders` did not run.
    if (contentEncoding(req) !== 'identity')
      return refuseUnread(res, 415, 'unsupported_media_type', 'send the body uncompressed');
    getRawBody(req, { limit, length: req.get('content-length') }).then(
      (raw) => {
        req.rawBody = raw;
        const keepAlive = keepAliveOf.get(res);
        if (keepAlive !== undefined) res.shouldKeepAlive = keepAlive;
        next();
      },
      (err: { type?: string }) =>
        err.type === 'entity.too.large'
          ? refuseUnread(
              res,
              413,
              'payload_too_large',
              `request body is larger than the limit of ${limit} bytes`,
            )
          : refuseUnread(res, 400, 'invalid_payload', 'the request body was not received whole'),
    );
  };
}

/**
 * Parses `req.rawBody` into `req.body`: 400 `invalid_payload` when it nests deeper than
 * {@link MAX_JSON_DEPTH} (found on the bytes: such a body never becomes objects), 400 `invalid_json` when it
 * does not parse.
 */
export const parseJson: RequestHandler = (req, res, next) => {
  const raw = req.rawBody ?? Buffer.alloc(0);
  if (nestedDeeperThan(raw, MAX_JSON_DEPTH)) {
    return sendError(
      res,
      400,
      'invalid_payload',
      `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
    );
  }
  try {
    req.body = JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    return sendError(res, 400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  next();
};

/** The steps before a signature check: the header checks, then the raw bytes (`req.rawBody`). */
export function rawJsonBody(limit: number): RequestHandler[] {
  return [jsonHeaders, rawBody(limit)];
}

/**
 * Reads a JSON body, keeping its raw bytes: 415 unless the content type is JSON and the body not encoded,
 * 413 above `limit` raw bytes, 400 `invalid_payload` when nested too deep, 400 `invalid_json` when it does
 * not parse. Sets `req.rawBody` and `req.body`. Routes that check a signature use `rawJsonBody`, the check,
 * then `parseJson`.
 */
export function jsonBody(limit: number): RequestHandler[] {
  return [...rawJsonBody(limit), parseJson];
}
