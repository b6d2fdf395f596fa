// MeetingsClient over the service's HTTP API; every answer is checked against the API's own schemas.
import { z } from 'zod';
import { errorBodySchema } from '../contract/errors';
import { meetingsListSchema, type MeetingsList } from '../contract/meetings-list';
import type { RecordingUrl } from '../contract/workflow';
import type { Provider } from '../domain/ids';
import { meetingViewSchema, type MeetingView } from '../domain/view';
import {
  MeetingNotFoundError,
  MeetingRequestRefusedError,
  MeetingResponseInvalidError,
  MeetingsUnavailableError,
} from './errors';
import { checkedMeetingRef, type MeetingsClient, type MeetingsFilter } from './meetings-client';
import { recordingUrlSchema } from './recording-url';

export interface HttpMeetingsClientOptions {
  /** The API's base URL, e.g. `http://meetings:3000`. */
  baseUrl: string;
  /** Per read request. Default 30 s. */
  timeoutMs?: number;
  /** For a fresh recording URL, which may have to ask the provider (the API allows it 3 min). Default 200 s. */
  updateTimeoutMs?: number;
  /** A bearer token of the service's API_TOKENS: a read token reads, a write token also refreshes URLs. */
  token?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

// The API's error body, read leniently: a newer service may answer with an error code this client does not know.
const lenientErrorBodySchema = errorBodySchema.extend({ error: z.string() });

export class HttpMeetingsClient implements MeetingsClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpMeetingsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
  }

  async getMeeting(provider: Provider, externalId: string): Promise<MeetingView> {
    return this.request(meetingViewSchema, 'GET', this.meetingPath(provider, externalId));
  }

  async listMeetings(filter: MeetingsFilter = {}): Promise<MeetingsList> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.size ? `?${params.toString()}` : '';
    return this.request(meetingsListSchema, 'GET', `/meetings${search}`);
  }

  async refreshRecordingUrl(provider: Provider, externalId: string): Promise<RecordingUrl> {
    return this.request(
      recordingUrlSchema,
      'POST',
      `${this.meetingPath(provider, externalId)}/recording-url`,
      this.options.updateTimeoutMs ?? 200_000,
    );
  }

  /**
   * Where GET …/recording sends the caller, without following it: our archived copy once archived (a
   * presigned URL of the object store, or a path on this API that needs the same bearer token: `withToken`),
   * the provider's URL before. Use `downloadRecording` to have it followed with the right credentials.
   */
  async recordingLocation(
    provider: Provider,
    externalId: string,
  ): Promise<{ url: string; withToken: boolean }> {
    const path = `${this.meetingPath(provider, externalId)}/recording`;
    const res = await this.send('GET', path, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw await this.failure(res, undefined, 'GET', path);
    await res.body?.cancel().catch(() => undefined);
    const url = new URL(location, `${this.baseUrl}/`);
    return { url: url.href, withToken: url.origin === new URL(this.baseUrl).origin };
  }

  /**
   * The recording's bytes (the fetch Response, streaming), from wherever GET …/recording sends the caller:
   * the token goes only to this API, never to the object store or the provider. `range`: e.g.
   * `bytes=0-1023` (answered 206).
   */
  async downloadRecording(
    provider: Provider,
    externalId: string,
    options: { range?: string } = {},
  ): Promise<Response> {
    const { url, withToken } = await this.recordingLocation(provider, externalId);
    const headers: Record<string, string> = {
      ...(options.range ? { range: options.range } : {}),
      ...(withToken && this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
    };
    try {
      const res = await this.fetch(url, { headers });
      if (res.ok) return res;
      await res.body?.cancel().catch(() => undefined);
      throw new MeetingsUnavailableError(`GET recording: HTTP ${res.status}`);
    } catch (err) {
      if (err instanceof MeetingsUnavailableError) throw err;
      throw new MeetingsUnavailableError(
        `GET recording: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * Erases the meeting's archived data (DELETE …/data, a write token); `askProvider`: the provider deletes its
   * copy too, where its API allows. Accepted (202): the view's `deletedAt` says when it is done.
   */
  async eraseData(
    provider: Provider,
    externalId: string,
    options: { askProvider?: boolean } = {},
  ): Promise<{ workflowId: string; requestedAt: string }> {
    const query = options.askProvider ? '?provider=true' : '';
    return this.request(
      z.object({ workflowId: z.string(), requestedAt: z.string() }),
      'DELETE',
      `${this.meetingPath(provider, externalId)}/data${query}`,
    );
  }

  private meetingPath(provider: Provider, externalId: string): string {
    const ref = checkedMeetingRef(provider, externalId);
    return `/meetings/${ref.provider}/${encodeURIComponent(ref.externalId)}`;
  }

  private async send(method: string, path: string, init: RequestInit = {}, timeoutMs?: number) {
    try {
      return await this.fetch(`${this.baseUrl}${path}`, {
        ...init,
        method,
        headers: {
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...this.options.headers,
        },
        signal: AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new MeetingsUnavailableError(
        `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  private async request<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    timeoutMs = this.options.timeoutMs ?? 30_000,
  ): Promise<z.output<S>> {
    const res = await this.send(method, path, {}, timeoutMs);
    let body: unknown;
    try {
      body = await res.json().catch(() => undefined);
    } catch (err) {
      throw new MeetingsUnavailableError(
        `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    if (res.ok) {
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        throw new MeetingResponseInvalidError(
          `${method} ${path}: unexpected answer: ${parsed.error.message}`,
          { cause: parsed.error },
        );
      return parsed.data;
    }
    throw await this.failure(res, body, method, path);
  }

  /** The client error for an answer that is not what was asked (`body`: its JSON, when read already). */
  private async failure(res: Response, body: unknown, method: string, path: string): Promise<Error> {
    const read = body ?? (await res.json().catch(() => undefined));
    const error = lenientErrorBodySchema.safeParse(read);
    const message = error.success ? error.data.message : `${method} ${path}: HTTP ${res.status}`;
    if (res.status === 404) return new MeetingNotFoundError(message);
    // 503 temporal_unavailable, and any other server-side trouble: the caller should retry later.
    if (res.status >= 500) return new MeetingsUnavailableError(message);
    if (error.success) return new MeetingRequestRefusedError(message, error.data.error, error.data.issues);
    return new MeetingResponseInvalidError(`${method} ${path}: HTTP ${res.status} without an error body`);
  }
}
