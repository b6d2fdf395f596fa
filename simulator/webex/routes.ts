// The simulator's Webex: the REST API under /webex/v1 (api.ts), recording files behind expiring direct
// links, and /sim/webex/* to script meetings, publish their assets and send their signed webhooks.
import { Router } from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { contentChunks, contentSha256 } from '../content';
import { checkPresigned, presign } from '../presign';
import { webexApiRouter } from './api';
import { WebexTokens } from './auth';
import { recordingObject, recordingWithLinks, transcriptObject, type DirectLinks } from './bodies';
import { WebexMeetingStore } from './meetings';
import {
  createWebexMeeting,
  namesMeeting,
  webexScenarioResult,
  webexRecordingOptionsSchema,
  webexTime,
  type WebexMeeting,
  type WebexRecording,
  type WebexScenarioInput,
  type WebexScenarioResult,
} from './scenario';
import {
  signWebexBody,
  webexEventSchema,
  webexResourceSchema,
  webexWebhookBody,
  type WebexEvent,
  type WebexResource,
  type WebexWebhookOptions,
} from './webhooks';

export { SIM_WEBEX_ACCESS_TOKEN, SIM_WEBEX_OAUTH } from './auth';
export { SIM_WEBEX_WEBHOOK_SECRET, signWebexBody, webexWebhookBody } from './webhooks';
export type { WebexScenarioInput, WebexScenarioResult } from './scenario';

export const WEBEX_API_PATH = '/webex/v1';
/** Webex's direct download links are good for 3 hours. */
const LINK_SECONDS = 3 * 3600;

export interface WebexSimOptions {
  /** The static bearer token accepted besides the OAuth-issued ones. */
  accessToken: string;
  webhookSecret: string;
  /** Secret of the presigned direct download links. */
  signingSecret: string;
  /** This simulator's own base URL (for the links it hands out). */
  baseUrl: () => string;
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  now?: () => number;
}

export type WebexAsset = 'recordings' | 'transcript';

export interface WebexSendOptions extends Omit<WebexWebhookOptions, 'targetUrl' | 'apiBaseUrl'> {
  /** Signs with this secret instead of the simulator's (a service with another secret refuses it). */
  secret?: string;
}

const publishSchema = z.object({ asset: z.enum(['recordings', 'transcript']) });
const webhookSchema = z.object({
  resource: webexResourceSchema,
  event: webexEventSchema,
  targetUrl: z.url(),
  idKind: z.enum(['series', 'scheduled', 'instance']).optional(),
  recordingId: z.string().optional(),
  secret: z.string().min(1).optional(),
});

export class WebexSim {
  /** Scenario meetings by instance id. */
  readonly meetings = new Map<string, WebexMeeting>();
  readonly deletedAssets: Array<{ kind: 'recording' | 'transcript'; id: string; status: number }> = [];
  readonly tokens: WebexTokens;
  readonly meetingStore: WebexMeetingStore;
  readonly webhookSecret: string;
  readonly now: () => number;

  constructor(private readonly options: WebexSimOptions) {
    this.now = options.now ?? Date.now;
    this.webhookSecret = options.webhookSecret;
    this.tokens = new WebexTokens({ accessToken: options.accessToken, oauth: options.oauth, now: this.now });
    this.meetingStore = new WebexMeetingStore(this.meetings, this.now);
  }

  /** `expires_in` of the tokens /access_token issues from now on (default 14 days). */
  get tokenLifetimeSeconds(): number {
    return this.tokens.tokenLifetimeSeconds;
  }
  set tokenLifetimeSeconds(seconds: number) {
    this.tokens.tokenLifetimeSeconds = seconds;
  }
  /** Calls of POST /access_token so far. */
  get tokenRequests(): number {
    return this.tokens.tokenRequests;
  }
  /** Every PATCH /meetings/{id} received. */
  get patches(): Array<{ meetingId: string; body: unknown }> {
    return this.meetingStore.patches;
  }

  baseUrl(): string {
    return this.options.baseUrl();
  }
  /** What WEBEX_API_URL is set to for a service that talks to this simulator. */
  get apiUrl(): string {
    return `${this.options.baseUrl()}${WEBEX_API_PATH}`;
  }

  addMeeting(input: WebexScenarioInput = {}): WebexScenarioResult {
    const m = createWebexMeeting(input, this.now());
    if (this.meetings.has(m.meetingId)) throw new Error(`meeting ${m.meetingId} already exists`);
    this.meetings.set(m.meetingId, m);
    return webexScenarioResult(m);
  }

  meeting(meetingId: string): WebexMeeting {
    const m = this.meetings.get(meetingId);
    if (!m) throw new Error(`unknown Webex meeting ${meetingId}`);
    return m;
  }

  /** The scenario meeting a query's meetingId names (instance, scheduled or series id). */
  findMeeting(id: string): WebexMeeting | undefined {
    return this.meetings.get(id) ?? [...this.meetings.values()].find((m) => namesMeeting(m, id));
  }

  /** Publishes an asset at once, whatever its listing counter says (a `transcript: false` one too). */
  publish(meetingId: string, asset: WebexAsset): void {
    const m = this.meeting(meetingId);
    if (asset === 'recordings') m.recordingsPublished = true;
    else m.transcriptPublished = true;
  }

  /**
   * Webex publishes one more recording of the meeting, after the others (the host recorded again, or Webex
   * was slow with one file): listed from now on, with the meeting's other recordings.
   */
  addRecording(
    meetingId: string,
    input: z.input<typeof webexRecordingOptionsSchema> = {},
  ): { id: string; bytes: number; sha256: string } {
    const m = this.meeting(meetingId);
    const { bytes, durationSeconds } = webexRecordingOptionsSchema.parse(input);
    const last = m.recordings.at(-1);
    const recordedAtMs = last ? last.recordedAtMs + (last.durationSeconds + 60) * 1000 : m.startMs + 30_000;
    const id = randomBytes(16).toString('hex');
    const recording = { id, bytes, durationSeconds, sha256: contentSha256(id, bytes), recordedAtMs };
    m.recordings.push(recording);
    m.recordingsPublished = true;
    return { id, bytes, sha256: recording.sha256 };
  }

  /** Webex publishes one more transcript of the meeting (listed after the first, which shows too from now on). */
  addTranscript(meetingId: string): { id: string } {
    const m = this.meeting(meetingId);
    const id = `${randomUUID()}_M_${m.meetingSeriesId}`;
    m.laterTranscriptIds.push(id);
    m.transcript = true;
    m.transcriptPublished = true;
    return { id };
  }

  /** GET /recordings: a listing that names a meeting counts towards publishing its recordings. */
  listRecordings(meetingId?: string): object[] {
    const all = [...this.meetings.values()];
    const named = meetingId === undefined ? all : all.filter((m) => namesMeeting(m, meetingId));
    for (const m of meetingId === undefined ? [] : named) {
      if (m.recordingsPublished) continue;
      if (m.recordingListings < m.recordingsAfterListings) m.recordingListings++;
      else m.recordingsPublished = true;
    }
    return named
      .filter((m) => m.recordingsPublished)
      .flatMap((m) => m.recordings.map((r) => recordingObject(m, r)));
  }

  /** GET /meetingTranscripts: as listRecordings; a `transcript: false` meeting never publishes. */
  listTranscripts(meetingId?: string): object[] {
    const all = [...this.meetings.values()];
    const named = meetingId === undefined ? all : all.filter((m) => namesMeeting(m, meetingId));
    for (const m of meetingId === undefined ? [] : named) {
      if (m.transcriptPublished || !m.transcript) continue;
      if (m.transcriptListings < m.transcriptAfterListings) m.transcriptListings++;
      else m.transcriptPublished = true;
    }
    return named
      .filter((m) => m.transcriptPublished)
      .flatMap((m) =>
        [m.transcriptId, ...m.laterTranscriptIds].map((id) => transcriptObject(m, this.apiUrl, id)),
      );
  }

  publishedTranscript(transcriptId: string): WebexMeeting | undefined {
    return [...this.meetings.values()].find(
      (m) =>
        (m.transcriptId === transcriptId || m.laterTranscriptIds.includes(transcriptId)) &&
        m.transcriptPublished,
    );
  }

  private publishedRecording(recordingId: string): { m: WebexMeeting; r: WebexRecording } | undefined {
    for (const m of this.meetings.values()) {
      const r = m.recordings.find((x) => x.id === recordingId);
      if (r) return m.recordingsPublished ? { m, r } : undefined;
    }
    return undefined;
  }

  /** Direct links signed now for 3 hours, or (the scenario's `expiredLinks`) signed long enough ago to be expired. */
  directLinks(m: WebexMeeting, r: WebexRecording): DirectLinks {
    const expired = m.expiredLinksLeft > 0;
    if (expired) m.expiredLinksLeft--;
    // Whole seconds: the presigned X-Amz-Date has no milliseconds, and `expiration` must match it.
    const signedAt = Math.floor(this.now() / 1000) * 1000 - (expired ? (LINK_SECONDS + 60) * 1000 : 0);
    const sign = (file: string) =>
      presign(
        this.baseUrl(),
        `/webex-files/recordings/${file}`,
        this.options.signingSecret,
        signedAt,
        LINK_SECONDS,
      );
    return {
      recordingDownloadLink: sign(`${r.id}.mp4`),
      audioDownloadLink: sign(`${r.id}.mp3`),
      expiration: webexTime(signedAt + LINK_SECONDS * 1000),
    };
  }

  /** GET /recordings/{id}: undefined for an unknown or not yet published recording. */
  recordingDetails(recordingId: string): object | undefined {
    const found = this.publishedRecording(recordingId);
    if (!found) return undefined;
    return recordingWithLinks(found.m, found.r, this.directLinks(found.m, found.r));
  }

  /**
   * Posts one notification to `targetUrl`, signed over the exact bytes sent. A `created` recording or
   * transcript is published first, so the service finds what the notification announces.
   */
  async sendWebhook(
    meetingId: string,
    resource: WebexResource,
    event: WebexEvent,
    targetUrl: string,
    opts: WebexSendOptions = {},
  ): Promise<{ status: number; body: unknown }> {
    const m = this.meeting(meetingId);
    if (event === 'created' && resource === 'recordings') this.publish(meetingId, 'recordings');
    if (event === 'created' && resource === 'meetingTranscripts') this.publish(meetingId, 'transcript');
    const body = webexWebhookBody(m, resource, event, { ...opts, targetUrl, apiBaseUrl: this.apiUrl });
    const raw = Buffer.from(JSON.stringify(body));
    const res = await fetch(targetUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-spark-signature': signWebexBody(raw, opts.secret ?? this.webhookSecret),
      },
      body: raw,
    });
    const text = await res.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // Not JSON: reported as text.
    }
    return { status: res.status, body: answer };
  }

  routes(): Router {
    const router = Router();
    router.use(WEBEX_API_PATH, webexApiRouter(this));

    router.get('/webex-files/recordings/:file', async (req, res) => {
      const denied = (message: string) =>
        void res
          .status(403)
          .type('application/xml')
          .send(`<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`);
      const file = /^([0-9a-f]+)\.(mp4|mp3)$/.exec(req.params.file);
      const check = checkPresigned(
        req.path,
        new URLSearchParams(req.url.split('?')[1] ?? ''),
        this.options.signingSecret,
        this.now(),
      );
      if (!file || check === 'invalid') return denied('Access Denied');
      if (check === 'expired') return denied('Request has expired');
      const found = [...this.meetings.values()].flatMap((m) => m.recordings).find((r) => r.id === file[1]);
      if (!found)
        return void res.status(404).type('application/xml').send('<Error><Code>NoSuchKey</Code></Error>');
      // The audio is a smaller file of its own bytes.
      const audio = file[2] === 'mp3';
      const bytes = audio ? Math.floor(found.bytes / 8) : found.bytes;
      res
        .status(200)
        .set({ 'content-type': audio ? 'audio/mpeg' : 'video/mp4', 'content-length': String(bytes) });
      // A client that goes away mid-download ends the pipeline with an error: nothing more to do.
      await pipeline(Readable.from(contentChunks(audio ? `${found.id}:audio` : found.id, bytes)), res).catch(
        () => undefined,
      );
    });

    router.post('/sim/webex/meetings', (req, res) => {
      try {
        res.status(201).json(this.addMeeting((req.body ?? {}) as WebexScenarioInput));
      } catch (err) {
        const message =
          err instanceof z.ZodError ? z.prettifyError(err) : String((err as Error).message ?? err);
        res.status(400).json({ error: 'invalid_payload', message });
      }
    });
    router.get('/sim/webex/meetings/:meetingId', (req, res) => {
      const m = this.meetings.get(req.params.meetingId);
      if (!m) return void res.status(404).json({ error: 'not_found' });
      res.json({ ...webexScenarioResult(m), state: m });
    });
    router.post('/sim/webex/meetings/:meetingId/publish', (req, res) => {
      if (!this.meetings.has(req.params.meetingId)) return void res.status(404).json({ error: 'not_found' });
      const parsed = publishSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res
          .status(400)
          .json({ error: 'invalid_payload', message: z.prettifyError(parsed.error) });
      this.publish(req.params.meetingId, parsed.data.asset);
      res.json(webexScenarioResult(this.meeting(req.params.meetingId)));
    });
    router.post('/sim/webex/meetings/:meetingId/recordings', (req, res) => {
      if (!this.meetings.has(req.params.meetingId)) return void res.status(404).json({ error: 'not_found' });
      const parsed = webexRecordingOptionsSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res
          .status(400)
          .json({ error: 'invalid_payload', message: z.prettifyError(parsed.error) });
      res.status(201).json(this.addRecording(req.params.meetingId, parsed.data));
    });
    router.post('/sim/webex/meetings/:meetingId/transcripts', (req, res) => {
      if (!this.meetings.has(req.params.meetingId)) return void res.status(404).json({ error: 'not_found' });
      res.status(201).json(this.addTranscript(req.params.meetingId));
    });
    router.post('/sim/webex/meetings/:meetingId/webhooks', async (req, res) => {
      if (!this.meetings.has(req.params.meetingId)) return void res.status(404).json({ error: 'not_found' });
      const parsed = webhookSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res
          .status(400)
          .json({ error: 'invalid_payload', message: z.prettifyError(parsed.error) });
      const { resource, event, targetUrl, ...opts } = parsed.data;
      try {
        res.json(await this.sendWebhook(req.params.meetingId, resource, event, targetUrl, opts));
      } catch (err) {
        res.status(502).json({ error: 'webhook_failed', message: (err as Error).message });
      }
    });
    return router;
  }
}
