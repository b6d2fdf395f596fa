// How the Temporal UI in a browser authenticates to /codec/*: it cannot send our bearer token (the dev server's
// UI has no setting for a static token; its "pass access token" sends its own login's token, which ours is
// not), but with "include cross-origin credentials" on it sends cookies. So a holder of a read token trades
// it, once, at POST /codec/session for an HttpOnly cookie that /codec/encode and /codec/decode accept in the
// token's place: `<expiry>.<HMAC-SHA256 of the expiry under the token>`. No state on the server (any API
// replica checks it), the token itself never reaches the browser's storage, and the cookie stops working
// when it expires or its token leaves API_TOKENS.
import { createHmac } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { ApiToken, TokenScope } from '../platform/config';
import { secretsEqual } from './api-key';
import { scopeOf } from './access';
import { sendError } from './errors';
import { errorResponses, type RouteDocs } from './openapi-parts';

export const CODEC_SESSION_COOKIE = 'codec_session';
export const CODEC_SESSION_PATH = '/codec/session';
/** A working day: long enough for a debugging session, short enough that a forgotten browser forgets it. */
export const CODEC_SESSION_SECONDS = 12 * 3600;

const mac = (token: string, expires: number) =>
  createHmac('sha256', token).update(`codec-session:${expires}`).digest('base64url');

/** The cookie value for `token`, valid until `nowMs` + CODEC_SESSION_SECONDS. */
export function codecSessionValue(token: string, nowMs: number = Date.now()): string {
  const expires = Math.floor(nowMs / 1000) + CODEC_SESSION_SECONDS;
  return `${expires}.${mac(token, expires)}`;
}

/** Reads one cookie of a Cookie header. */
function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * `read` when the request's Cookie header holds a valid, unexpired codec session of a token still in
 * `tokens`; undefined otherwise. A session only ever reads (it decodes payloads), whatever its token's scope.
 */
export function codecSessionScope(
  cookieHeader: string | undefined,
  tokens: readonly ApiToken[] | undefined,
  nowMs: number = Date.now(),
): TokenScope | undefined {
  const value = cookieOf(cookieHeader, CODEC_SESSION_COOKIE);
  const match = value && /^(\d{1,12})\.([\w-]{43})$/.exec(value);
  if (!match || !tokens?.length) return undefined;
  const expires = Number(match[1]);
  if (expires * 1000 <= nowMs) return undefined;
  // Every token is compared (in constant time), as for bearer tokens.
  let valid = false;
  for (const { token } of tokens) if (secretsEqual(match[2]!, mac(token, expires))) valid = true;
  return valid ? 'read' : undefined;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>` +
  `<h1>${title}</h1>${body}</body></html>`;

const FORM = page(
  'Temporal UI codec session',
  `<p>Trade a read token of this service for a cookie (${CODEC_SESSION_SECONDS / 3600} h) with which the Temporal
UI in this browser decodes encrypted payloads. In the UI's Codec Server settings, use this service's
<code>/codec</code> as the endpoint and turn on <em>Include cross-origin credentials</em>.</p>
<form method="post" action="${CODEC_SESSION_PATH}"><label>Read token <input name="token" type="password"
autocomplete="off" required></label> <button type="submit">Start session</button></form>`,
);

const sessionRequest = z.object({ token: z.string().min(1).max(1000) });

export function codecSessionRoutes(tokens: readonly ApiToken[] | undefined): Router {
  const router = Router();
  router.get(CODEC_SESSION_PATH, (_req, res) => {
    res.type('html').send(FORM);
  });
  router.post(
    CODEC_SESSION_PATH,
    express.urlencoded({ extended: false, limit: '4kb' }),
    express.json({ limit: '4kb' }),
    (req, res) => {
      const parsed = sessionRequest.safeParse(req.body);
      if (!parsed.success) return sendError(res, 400, 'invalid_payload', 'send the form field token');
      if (!tokens?.length || !scopeOf(parsed.data.token, tokens))
        return sendError(res, 401, 'unauthorized', 'unknown or revoked token');
      res.cookie(CODEC_SESSION_COOKIE, codecSessionValue(parsed.data.token), {
        httpOnly: true,
        // The UI and this API share a site (localhost, or two hosts of one domain): cross-site pages never
        // send it, and CORS (CODEC_CORS_ORIGINS) lets only the UI's origin read the answers.
        sameSite: 'strict',
        secure: req.secure,
        path: '/codec',
        maxAge: CODEC_SESSION_SECONDS * 1000,
      });
      res
        .type('html')
        .send(
          page(
            'Codec session started',
            `<p>The Temporal UI in this browser can now decode payloads through this service's /codec for ${CODEC_SESSION_SECONDS / 3600} h.</p>`,
          ),
        );
    },
  );
  return router;
}

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

export const codecSessionDocs: RouteDocs = {
  routes: [
    {
      method: 'get',
      path: CODEC_SESSION_PATH,
      tags: ['codec'],
      summary: 'The page where a browser trades a read token for a codec session cookie',
      responses: { 200: html('An HTML form') },
    },
    {
      method: 'post',
      path: CODEC_SESSION_PATH,
      tags: ['codec'],
      summary:
        'Trade a read token (form field `token`) for an HttpOnly cookie that /codec/encode and /codec/decode accept: the Temporal UI sends it with "include cross-origin credentials"',
      request: {
        body: {
          content: {
            'application/x-www-form-urlencoded': { schema: sessionRequest },
            'application/json': { schema: sessionRequest },
          },
        },
      },
      responses: {
        200: html('The session started (Set-Cookie: codec_session)'),
        ...errorResponses({ 400: ['invalid_payload'], 401: ['unauthorized'] }),
      },
    },
  ],
};
