// Where the bearer token of each Webex call comes from: a static token, or an integration's refresh token
// exchanged at `POST <baseUrl>/access_token` (simple-oauth2). Tokens never appear in failures or logs.
import type { ApplicationFailure } from '@temporalio/common';
import { AuthorizationCode, type AccessToken } from 'simple-oauth2';
import { webexAccessTokenSchema } from '../../domain/webex/api';
import { activityFailure } from '../failure';
import { failureFromResponse } from '../http-failure';

export interface WebexOAuthSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface WebexTokenSource {
  /** A token believed valid: an OAuth token about to expire is refreshed first. */
  token(): Promise<string>;
  /** After Webex answered 401 to `rejected`: a new token, or undefined when none can be had. */
  renew(rejected: string): Promise<string | undefined>;
}

export class StaticToken implements WebexTokenSource {
  constructor(private readonly value: string) {}

  token(): Promise<string> {
    return Promise.resolve(this.value);
  }

  renew(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

/** Refresh this long before expiry (Webex access tokens live 14 days). */
const EXPIRY_WINDOW_SECONDS = 5 * 60;
const TOKEN_ENDPOINT = 'POST /access_token';

export class RefreshingToken implements WebexTokenSource {
  private readonly oauth: AuthorizationCode;
  private refreshToken: string;
  private current: { token: AccessToken; value: string; lifetimeSeconds: number } | undefined;
  // One refresh at a time: concurrent callers wait for the same answer.
  private pending: Promise<string> | undefined;

  constructor(
    baseUrl: string,
    settings: WebexOAuthSettings,
    private readonly timeoutMs: number,
  ) {
    const base = new URL(baseUrl);
    this.oauth = new AuthorizationCode({
      client: { id: settings.clientId, secret: settings.clientSecret },
      auth: { tokenHost: base.origin, tokenPath: `${base.pathname.replace(/\/+$/, '')}/access_token` },
      // Webex takes client_id and client_secret in the form body, not as Basic auth.
      options: { authorizationMethod: 'body' },
    });
    this.refreshToken = settings.refreshToken;
  }

  token(): Promise<string> {
    const current = this.current;
    if (current && !this.expiring(current)) return Promise.resolve(current.value);
    return this.refresh();
  }

  renew(rejected: string): Promise<string> {
    // Another caller may have replaced the rejected token in the meantime.
    const current = this.current;
    if (current && current.value !== rejected && !this.expiring(current))
      return Promise.resolve(current.value);
    return this.refresh();
  }

  private expiring(current: NonNullable<RefreshingToken['current']>): boolean {
    // A token that lives less than twice the window (tests, unusual setups) is used for half its life.
    return current.token.expired(Math.min(EXPIRY_WINDOW_SECONDS, current.lifetimeSeconds / 2));
  }

  private refresh(): Promise<string> {
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async exchange(): Promise<string> {
    let answer: AccessToken;
    try {
      answer = await this.oauth
        .createToken({ refresh_token: this.refreshToken })
        .refresh({}, { timeout: this.timeoutMs });
    } catch (err) {
      throw refreshFailure(err);
    }
    const parsed = webexAccessTokenSchema.safeParse(answer.token);
    if (!parsed.success) {
      // Field names only: the answer holds tokens.
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw activityFailure(
        'InvalidProviderAnswer',
        `Webex ${TOKEN_ENDPOINT}: unexpected answer (fields: ${fields})`,
      );
    }
    // Webex may hand out a new refresh token with the access token: the old one then stops working.
    if (parsed.data.refresh_token) this.refreshToken = parsed.data.refresh_token;
    this.current = {
      token: answer,
      value: parsed.data.access_token,
      lifetimeSeconds: parsed.data.expires_in,
    };
    return parsed.data.access_token;
  }
}

/** What simple-oauth2 (via @hapi/wreck) throws: a Boom error, with the HTTP answer for 4xx/5xx. */
interface WreckError {
  message?: string;
  output?: { statusCode?: number };
  data?: { isResponseError?: boolean; headers?: Record<string, string | string[] | undefined> };
}

function refreshFailure(err: unknown): ApplicationFailure {
  const e = (err ?? {}) as WreckError;
  const status = e.output?.statusCode;
  if (e.data?.isResponseError && status) {
    if (status === 400 || status === 401) {
      return activityFailure(
        'WebexUnauthorized',
        `Webex refused the refresh token (HTTP ${status}) on ${TOKEN_ENDPOINT}: check the Webex OAuth client id, client secret and refresh token settings`,
      );
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(e.data.headers ?? {})) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return failureFromResponse({ status, statusText: '', headers }, `Webex ${TOKEN_ENDPOINT}`);
  }
  // Network errors and timeouts: Wreck's messages are fixed texts (no request data), safe to show.
  return activityFailure(
    'ProviderUnavailable',
    `Webex ${TOKEN_ENDPOINT} failed: ${String(e.message ?? err).slice(0, 200)}`,
  );
}
