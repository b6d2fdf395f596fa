// Meeting BaaS v2 webhooks are delivered by Svix and signed: svix-id, svix-timestamp, svix-signature.
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../platform/logger';
import { Webhook as SvixWebhook, WebhookVerificationError } from 'svix';
import { sendError } from '../errors';

export const SVIX_HEADERS = ['svix-id', 'svix-timestamp', 'svix-signature'] as const;

/** Whether the request claims to come from Svix: then it is a v2 webhook and its signature decides. */
export function hasSvixHeaders(req: Request): boolean {
  return SVIX_HEADERS.some((name) => req.get(name) !== undefined);
}

// svix's verification errors, in words for the sender.
const REASONS: Record<string, string> = {
  'Message timestamp too old': 'svix-timestamp is more than 5 minutes old (a stale or replayed delivery)',
  'Message timestamp too new': 'svix-timestamp is more than 5 minutes in the future',
  'Invalid Signature Headers': 'svix-timestamp is not a Unix timestamp',
  'No matching signature found':
    'svix-signature does not match the body (another secret, or the body was altered)',
};

/**
 * The two v2 checks around the body: `beforeBody` refuses cheaply (no secret, headers missing) before a
 * byte is read; `verify` checks the signature of the raw bytes (`req.rawBody`) once they are read, before
 * our own parsing (parseJson: depth first) reads them. svix's 5-minute timestamp tolerance is the replay
 * protection.
 */
export function svixSignature(secret: string | undefined, log: Logger) {
  let verifier: SvixWebhook | undefined;
  if (secret) {
    try {
      verifier = new SvixWebhook(secret);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'MEETINGBAAS_WEBHOOK_SECRET is not a valid Svix secret');
    }
  }

  const beforeBody: RequestHandler = (req, res, next) => {
    if (!secret)
      return sendError(
        res,
        401,
        'unauthorized',
        'v2 webhooks are not accepted: no MEETINGBAAS_WEBHOOK_SECRET',
      );
    if (!verifier)
      return sendError(
        res,
        401,
        'unauthorized',
        'v2 webhooks are not accepted: MEETINGBAAS_WEBHOOK_SECRET is not a valid Svix secret',
      );
    const missing = SVIX_HEADERS.filter((name) => !req.get(name));
    if (missing.length) return sendError(res, 401, 'unauthorized', `missing ${missing.join(', ')}`);
    next();
  };

  const verify: RequestHandler = (req, res, next) => {
    try {
      verifier!.verify(req.rawBody ?? Buffer.alloc(0), {
        'svix-id': req.get('svix-id')!,
        'svix-timestamp': req.get('svix-timestamp')!,
        'svix-signature': req.get('svix-signature')!,
      });
    } catch (err) {
      // Once the signature matches, svix parses the body: a signed body that is not JSON is parseJson's 400.
      if (!(err instanceof WebhookVerificationError)) return next();
      return sendError(
        res,
        401,
        'unauthorized',
        `invalid Svix signature: ${REASONS[err.message] ?? err.message}`,
      );
    }
    next();
  };

  return { beforeBody, verify };
}
