// Webex authentication: a static bearer token (a bot or personal token) or the tokens issued by the OAuth
// refresh-token grant on POST /access_token, which expire after `tokenLifetimeSeconds`.
import express, { type RequestHandler, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import { webexError } from './errors';

export const SIM_WEBEX_ACCESS_TOKEN = 'sim-webex-token';
export const SIM_WEBEX_OAUTH = {
  clientId: 'sim-webex-client',
  clientSecret: 'sim-webex-secret',
  refreshToken: 'sim-webex-refresh',
} as const;

/** Webex's lifetimes: access tokens 14 days, refresh tokens 90 days. */
const DEFAULT_TOKEN_SECONDS = 1_209_600;
const REFRESH_TOKEN_SECONDS = 7_776_000;

export interface WebexTokensOptions {
  accessToken: string;
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  now: () => number;
}

/** Basic credentials are form-encoded first (RFC 6749 2.3.1); a malformed escape stays as sent. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export class WebexTokens {
  tokenLifetimeSeconds = DEFAULT_TOKEN_SECONDS;
  tokenRequests = 0;
  /** Issued token -> expiry (ms). */
  private readonly issued = new Map<string, number>();
  private readonly oauth: { clientId: string; clientSecret: string; refreshToken: string };

  constructor(private readonly options: WebexTokensOptions) {
    this.oauth = options.oauth ?? SIM_WEBEX_OAUTH;
  }

  /** Whether `token` is the static token or an issued one that has not expired. */
  accepts(token: string): boolean {
    if (token === this.options.accessToken) return true;
    const expiresAt = this.issued.get(token);
    return expiresAt !== undefined && this.options.now() < expiresAt;
  }

  /** 401 unless `Authorization: Bearer <a token it accepts>`. */
  requireBearer(): RequestHandler {
    return (req, res, next) => {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
      if (!m || !this.accepts(m[1]!)) {
        return webexError(
          res,
          401,
          'The request requires a valid access token set in the Authorization request header.',
        );
      }
      next();
    };
  }

  /**
   * POST /access_token (form-encoded, or JSON): the refresh-token grant. Client credentials in the body, or
   * in HTTP Basic auth as OAuth clients (simple-oauth2's default) send them.
   */
  routes(path: string): Router {
    const router = express.Router();
    router.post(path, express.urlencoded({ extended: false }), (req, res) => {
      this.tokenRequests++;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const field = (k: string) => (typeof body[k] === 'string' ? body[k] : undefined);
      let clientId = field('client_id');
      let clientSecret = field('client_secret');
      const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (basic) {
        const [id, ...secret] = Buffer.from(basic[1]!, 'base64').toString().split(':');
        clientId ??= formDecode(id ?? '');
        clientSecret ??= formDecode(secret.join(':'));
      }
      if (field('grant_type') !== 'refresh_token')
        return webexError(res, 400, 'unsupported_grant_type: only refresh_token is supported');
      if (clientId !== this.oauth.clientId || clientSecret !== this.oauth.clientSecret)
        return webexError(res, 401, 'invalid_client: the client id or secret is wrong');
      if (field('refresh_token') !== this.oauth.refreshToken)
        return webexError(res, 400, 'invalid_grant: the refresh token is invalid or expired');
      const accessToken = randomBytes(32).toString('base64url');
      this.issued.set(accessToken, this.options.now() + this.tokenLifetimeSeconds * 1000);
      res.json({
        access_token: accessToken,
        expires_in: this.tokenLifetimeSeconds,
        refresh_token: this.oauth.refreshToken,
        refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
        token_type: 'Bearer',
      });
    });
    return router;
  }
}
