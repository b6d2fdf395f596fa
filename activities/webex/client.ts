// The Webex REST calls the activities make. One place sends every request: bearer token (static or OAuth,
// renewed once on a 401), sent only to the API's own origin; answers validated with zod; HTTP failures
// turned into activity failures that Temporal retries, or not (see http-failure.ts).
import { z } from 'zod';
import {
  webexListSchema,
  webexMeetingSchema,
  webexParticipantSchema,
  webexRecordingDetailsSchema,
  webexRecordingSchema,
  webexSnippetSchema,
  webexTranscriptSchema,
  type WebexMeeting,
  type WebexParticipant,
  type WebexRecording,
  type WebexRecordingDetails,
  type WebexSnippet,
  type WebexTranscript,
} from '../../domain/webex/api';
import { activityFailure } from '../failure';
import { failureFromResponse } from '../http-failure';
import { RefreshingToken, StaticToken, type WebexOAuthSettings, type WebexTokenSource } from './auth';
import { nextLink, repairNextUrl } from './pagination';

export interface WebexClientOptions {
  /** e.g. https://webexapis.com/v1 */
  baseUrl: string;
  /** Static bearer token. */
  accessToken?: string;
  /** Refresh-token flow (wins over accessToken). */
  oauth?: WebexOAuthSettings;
  /** Per request; default 30000. */
  requestTimeoutMs?: number;
}

type Method = 'GET' | 'PATCH' | 'DELETE';

const PAGE_SIZE = '100';
const MAX_REDIRECTS = 5;
const MAX_PAGES = 10_000;

/** The scope a 403 most likely means is missing, by endpoint. */
function likelyScope(method: Method, path: string): string {
  if (path.startsWith('/recordings'))
    return 'meeting:recordings_read (meeting:admin_recordings_read for an admin)';
  if (path.startsWith('/meetingTranscripts'))
    return 'meeting:transcripts_read (meeting:admin_transcripts_read for an admin)';
  if (path.startsWith('/meetingParticipants'))
    return 'meeting:participants_read (meeting:admin_participants_read for an admin)';
  if (path.startsWith('/meetings'))
    return method === 'PATCH'
      ? 'meeting:schedules_write (meeting:admin_schedule_write for an admin)'
      : 'meeting:schedules_read (meeting:admin_schedule_read for an admin)';
  return 'meeting:* read';
}

export class WebexClient {
  private readonly base: URL;
  private readonly auth: WebexTokenSource | undefined;
  private readonly timeoutMs: number;

  constructor(options: WebexClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.auth = options.oauth
      ? new RefreshingToken(this.base.href, options.oauth, this.timeoutMs)
      : options.accessToken
        ? new StaticToken(options.accessToken)
        : undefined;
  }

  /** Whether a token or an OAuth setup is configured (calls fail ProviderNotConfigured otherwise). */
  get configured(): boolean {
    return this.auth !== undefined;
  }

  /** `<baseUrl><path>?<query>` */
  private url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.base.href.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url;
  }

  /** `GET /recordings` for messages: the path below the base URL, no query (it may name people). */
  private describe(method: Method, url: URL): string {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const path =
      url.origin === this.base.origin && url.pathname.startsWith(`${basePath}/`)
        ? url.pathname.slice(basePath.length)
        : url.pathname;
    return `${method} ${path}`;
  }

  /** One request with `token`, following redirects that stay on the API's origin. */
  private async attempt(
    method: Method,
    url: URL,
    token: string,
    body: unknown,
    accept: string,
  ): Promise<Response> {
    let target = url;
    for (let hops = 0; ; hops++) {
      if (target.origin !== this.base.origin) {
        // The token is a credential for the whole Webex account: never sent anywhere else.
        throw activityFailure(
          'UntrustedWebexUrl',
          `Webex ${this.describe(method, url)}: ${target.origin} is not the Webex API (${this.base.origin}); the access token is sent nowhere else`,
        );
      }
      const res = await fetch(target, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const location = res.headers.get('location');
      if (method !== 'GET' || res.status < 300 || res.status >= 400 || !location) return res;
      await res.body?.cancel();
      if (hops === MAX_REDIRECTS) throw activityFailure('TooManyRedirects', 'Webex: too many redirects');
      target = new URL(location, target);
    }
  }

  /** The answer of a successful request; every failure becomes an ApplicationFailure. */
  private async send(
    method: Method,
    url: URL,
    body?: unknown,
    accept = 'application/json',
  ): Promise<Response> {
    const what = this.describe(method, url);
    if (!this.auth) {
      throw activityFailure(
        'ProviderNotConfigured',
        `Webex ${what}: no Webex credentials configured (set WEBEX_ACCESS_TOKEN or the refresh-token settings)`,
      );
    }
    const token = await this.auth.token();
    let res = await this.attempt(method, url, token, body, accept);
    if (res.status === 401) {
      // An OAuth token may have been revoked or expired early: one new token, one more try.
      const renewed = await this.auth.renew(token);
      if (renewed !== undefined) {
        await res.body?.cancel();
        res = await this.attempt(method, url, renewed, body, accept);
      }
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    const details = [{ status: res.status }];
    if (res.status === 401) {
      throw activityFailure(
        'WebexUnauthorized',
        `Webex rejected the access token (HTTP 401) on ${what}: check WEBEX_ACCESS_TOKEN or the refresh-token settings`,
        { details },
      );
    }
    if (res.status === 403) {
      const path = what.slice(what.indexOf(' ') + 1);
      throw activityFailure(
        'WebexForbidden',
        `Webex refused ${what} (HTTP 403): the token most likely lacks the scope ${likelyScope(method, path)}, or its user is neither the meeting's host nor an admin`,
        { details },
      );
    }
    throw failureFromResponse(res, `Webex ${what}`);
  }

  private async json<T>(
    method: Method,
    url: URL,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<{ data: T; headers: Headers }> {
    const res = await this.send(method, url, body);
    const raw: unknown = await res.json().catch(() => undefined);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      // Retrying cannot change what Webex answers to the same request.
      throw activityFailure(
        'InvalidProviderAnswer',
        `Webex ${this.describe(method, url)}: unexpected answer: ${z.prettifyError(parsed.error).slice(0, 500)}`,
      );
    }
    return { data: parsed.data, headers: res.headers };
  }

  /** Every item of a list endpoint, page by page (`max=100`, `Link: rel="next"`, repaired next URLs). */
  private async allPages<T>(
    path: string,
    query: Record<string, string>,
    item: z.ZodType<T>,
    onPage?: (itemsSoFar: number) => void,
  ): Promise<T[]> {
    const first = this.url(path, { ...query, max: PAGE_SIZE });
    const schema = webexListSchema(item);
    const items: T[] = [];
    const seen = new Set<string>();
    for (let url: URL | undefined = first; url;) {
      if (seen.size === MAX_PAGES || seen.has(url.href)) {
        throw activityFailure(
          'InvalidProviderAnswer',
          `Webex ${this.describe('GET', first)}: the pages do not end (next link repeats)`,
        );
      }
      seen.add(url.href);
      const { data, headers } = await this.json('GET', url, schema);
      items.push(...data.items);
      onPage?.(items.length);
      const next = nextLink(headers.get('link'), url);
      url = next && repairNextUrl(next, first).url;
    }
    return items;
  }

  /** `GET /recordings?meetingId=`: the meeting's recordings, all pages. */
  listRecordings(meetingId: string): Promise<WebexRecording[]> {
    return this.allPages('/recordings', { meetingId }, webexRecordingSchema);
  }

  /** `GET /recordings/{id}`: with `temporaryDirectDownloadLinks` (valid 3 h). */
  async recordingDetails(recordingId: string): Promise<WebexRecordingDetails> {
    const url = this.url(`/recordings/${encodeURIComponent(recordingId)}`);
    return (await this.json('GET', url, webexRecordingDetailsSchema)).data;
  }

  /** `GET /meetingTranscripts?meetingId=`, all pages. */
  listTranscripts(meetingId: string): Promise<WebexTranscript[]> {
    return this.allPages('/meetingTranscripts', { meetingId }, webexTranscriptSchema);
  }

  /** A transcript's `vttDownloadLink` or `txtDownloadLink` (on the API, with the bearer token). */
  async downloadTranscript(transcriptId: string, link: string, format: 'vtt' | 'txt'): Promise<string> {
    // The link as given when it is on the API (it may carry meetingId/hostEmail); Webex's reference also shows
    // links on a site host, where the token must not go: then the documented download endpoint instead.
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      url = this.base;
    }
    if (url.origin !== this.base.origin)
      url = this.url(`/meetingTranscripts/${encodeURIComponent(transcriptId)}/download`, { format });
    const res = await this.send('GET', url, undefined, format === 'vtt' ? 'text/vtt' : 'text/plain');
    const text = await res.text();
    if (format === 'vtt' && !/^\uFEFF?WEBVTT/.test(text)) {
      throw activityFailure(
        'InvalidProviderAnswer',
        `Webex ${this.describe('GET', url)}: the VTT transcript does not start with WEBVTT`,
      );
    }
    return text;
  }

  /** `GET /meetingTranscripts/{id}/snippets`, all pages. */
  listSnippets(transcriptId: string, onPage?: (itemsSoFar: number) => void): Promise<WebexSnippet[]> {
    const path = `/meetingTranscripts/${encodeURIComponent(transcriptId)}/snippets`;
    return this.allPages(path, {}, webexSnippetSchema, onPage);
  }

  /** `GET /meetingParticipants?meetingId=`, all pages. */
  listParticipants(meetingId: string, onPage?: (itemsSoFar: number) => void): Promise<WebexParticipant[]> {
    return this.allPages('/meetingParticipants', { meetingId }, webexParticipantSchema, onPage);
  }

  /** `GET /meetings/{id}` */
  async meeting(meetingId: string): Promise<WebexMeeting> {
    const url = this.url(`/meetings/${encodeURIComponent(meetingId)}`);
    return (await this.json('GET', url, webexMeetingSchema)).data;
  }

  /** `PATCH /meetings/{id}` with the given fields; the updated meeting. */
  async patchMeeting(meetingId: string, patch: Partial<WebexMeeting>): Promise<WebexMeeting> {
    const url = this.url(`/meetings/${encodeURIComponent(meetingId)}`);
    return (await this.json('PATCH', url, webexMeetingSchema, patch)).data;
  }

  /**
   * `DELETE /recordings/{id}` or `DELETE /meetingTranscripts/{id}` (204), with the reason Webex asks for: the
   * meeting's data was erased on request.
   */
  async deleteAsset(kind: 'recording' | 'transcript', id: string): Promise<void> {
    const path = kind === 'recording' ? '/recordings' : '/meetingTranscripts';
    const url = this.url(`${path}/${encodeURIComponent(id)}`);
    const res = await this.send('DELETE', url, {
      reason: 'audit',
      comment: 'the meeting data was erased on request',
    });
    await res.body?.cancel().catch(() => undefined);
  }
}
