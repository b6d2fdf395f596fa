// Who may call what: one table from a request to the credential it needs, used by the middleware that
// enforces it and by the OpenAPI document that declares it.
import type { Request, RequestHandler } from 'express';
import type { ApiToken, TokenScope } from '../platform/config';
import { secretsEqual } from './api-key';
import { sendError } from './errors';

/**
 * `open`: anyone (probes, the API's own description); `provider`: the webhook routes, which check the
 * provider's own credential; `read` / `write`: a bearer token of `API_TOKENS` with that scope.
 */
export type Access = 'open' | 'provider' | TokenScope;

const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/openapi.json']);
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** The credential a request needs, by method and path (an express path or an OpenAPI template). */
export function accessOf(method: string, path: string): Access {
  const verb = method.toUpperCase();
  if (path.startsWith('/webhooks/')) return 'provider';
  if (OPEN_PATHS.has(path) && READS.has(verb)) return 'open';
  // Its form, and the exchange of a read token (sent in the body, checked there) for a codec session cookie.
  if (path === '/codec/session' && (READS.has(verb) || verb === 'POST')) return 'open';
  // The codec endpoints only transform payloads for display: a reader's business, though they are POSTs.
  if (READS.has(verb) || path.startsWith('/codec/')) return 'read';
  return 'write';
}

/** What a token's scope allows: a write token reads too. */
const GRANTS: Record<TokenScope, readonly TokenScope[]> = { read: ['read'], write: ['read', 'write'] };

/**
 * The scope of `given`, or undefined when no configured token matches. Every configured token is compared,
 * each in constant time, so the answer's timing says nothing about which one (or how much of it) matched.
 */
export function scopeOf(given: string, tokens: readonly ApiToken[]): TokenScope | undefined {
  let scope: TokenScope | undefined;
  for (const token of tokens) {
    if (secretsEqual(given, token.token) && scope !== 'write') scope = token.scope;
  }
  return scope;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Refuses every request that is not `open` or `provider` without a bearer token of the needed scope: 401
 * `unauthorized` without a (known) token, 403 `forbidden` with a read token on a write route. Mount it
 * before every router, so that unknown paths are refused too instead of being mapped for strangers.
 */
export function requireApiToken(
  tokens: readonly ApiToken[] | undefined,
  /** Another credential a request may carry instead of a bearer token (the codec session cookie). */
  otherCredential?: (req: Request) => TokenScope | undefined,
): RequestHandler {
  return (req, res, next) => {
    const needed = accessOf(req.method, req.path);
    if (needed === 'open' || needed === 'provider') return next();
    res.set('WWW-Authenticate', 'Bearer');
    if (!tokens?.length)
      return sendError(
        res,
        401,
        'unauthorized',
        'no API tokens are configured: set API_TOKENS (e.g. read:<token>,write:<token>) to use this route',
      );
    const given = BEARER.exec(req.get('authorization') ?? '')?.[1];
    const other = given ? undefined : otherCredential?.(req);
    if (!given && !other) return sendError(res, 401, 'unauthorized', 'send Authorization: Bearer <token>');
    const scope = given ? scopeOf(given, tokens) : other;
    if (!scope) return sendError(res, 401, 'unauthorized', 'unknown or revoked token');
    if (!GRANTS[scope].includes(needed))
      return sendError(
        res,
        403,
        'forbidden',
        `this route needs a ${needed} token; yours is a ${scope} token`,
      );
    next();
  };
}
