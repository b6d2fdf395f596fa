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

  private meetingPath(provider: Provider, externalId: string): string {
    const ref = checkedMeetingRef(provider, externalId);
    return `/meetings/${ref.provider}/${encodeURIComponent(ref.externalId)}`;
  }

  private async request<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    timeoutMs = this.options.timeoutMs ?? 30_000,
  ): Promise<z.output<S>> {
    let res: Response;
    let body: unknown;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...this.options.headers,
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await res.json().catch(() => undefined);
    } catch (err) {
      throw new MeetingsUnavailableError(
        `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
    if (res.ok) {
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        throw new MeetingResponseInvalidError(
          `${method} ${path}: unexpected answer: ${parsed.error.message}`,
          {
            cause: parsed.error,
          },
        );
      return parsed.data;
    }
    const error = lenientErrorBodySchema.safeParse(body);
    const message = error.success ? error.data.message : `${method} ${path}: HTTP ${res.status}`;
    if (res.status === 404) throw new MeetingNotFoundError(message);
    // 503 temporal_unavailable, and any other server-side trouble: the caller should retry later.
    if (res.status >= 500) throw new MeetingsUnavailableError(message);
    if (error.success) throw new MeetingRequestRefusedError(message, error.data.error, error.data.issues);
    throw new MeetingResponseInvalidError(`${method} ${path}: HTTP ${res.status} without an error body`);
  }
}
