import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a secret (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** 401 unless header `name` carries `expected`; 401 too when no key is configured (nothing is accepted). */
export function requireHeaderKey(name: string, expected: string | undefined, what: string): RequestHandler {
  return (req, res, next) => {
    const given = req.get(name);
    if (!expected)
      return sendError(res, 401, 'unauthorized', `${what} are not accepted: no key is configured`);
    if (!given || !secretsEqual(given, expected))
      return sendError(res, 401, 'unauthorized', `missing or wrong ${name}`);
    next();
  };
}
