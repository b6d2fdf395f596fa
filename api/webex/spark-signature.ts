// Webex signs each webhook with the secret given when the webhook was registered: X-Spark-Signature is the
// hex HMAC-SHA1 of the exact body bytes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from '../errors';

export const SIGNATURE_HEADER = 'x-spark-signature';
const SHA1_HEX = /^[0-9a-f]{40}$/i;

export function sparkSignature(body: Buffer, secret: string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/**
 * `beforeBody` refuses before a byte is read (no secret configured, no signature header); `verify` checks
 * the signature of the raw bytes (`req.rawBody`) in constant time once they are read.
 */
export function sparkSignatureCheck(secret: string | undefined) {
  const beforeBody: RequestHandler = (req, res, next) => {
    if (!secret)
      return sendError(res, 401, 'unauthorized', 'Webex webhooks are not accepted: no WEBEX_WEBHOOK_SECRET');
    if (!req.get(SIGNATURE_HEADER)) return sendError(res, 401, 'unauthorized', 'missing X-Spark-Signature');
    next();
  };

  const verify: RequestHandler = (req, res, next) => {
    const given = req.get(SIGNATURE_HEADER)!.trim();
    const expected = Buffer.from(sparkSignature(req.rawBody ?? Buffer.alloc(0), secret!), 'hex');
    if (!SHA1_HEX.test(given) || !timingSafeEqual(Buffer.from(given, 'hex'), expected))
      return sendError(
        res,
        401,
        'unauthorized',
        'X-Spark-Signature does not match the body (another secret, or the body was altered)',
      );
    next();
  };

  return { beforeBody, verify };
}
