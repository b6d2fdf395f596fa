// The simulator's Meeting BaaS: the v1 REST endpoints the service uses, recordings behind presigned
// URLs, and /sim/meetingbaas/* to create meetings and play their webhooks into a service.
import { Router, type RequestHandler } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { checkPresigned, presign } from '../presign';
import { BotEndpoints } from './bots';
import { changeRecording, serveRecording, simMeeting, type SimMeeting } from './recording-file';
import { DataDeletions } from './delete-data';
import {
  completeWebhook,
  createScenario,
  failedWebhook,
  scenarioTranscript,
  statusWebhooks,
  type Scenario,
} from './scenario';

export interface MeetingBaasSimOptions {
  apiKey: string;
  /** This simulator's own base URL (for the links it hands out). */
  baseUrl: () => string;
  signingSecret: string;
  now?: () => number;
}

const playSchema = z.object({
  webhookUrl: z.url(),
  apiKey: z.string().optional(),
  /** Which webhooks: statuses, final event, or both. */
  include: z.enum(['all', 'statuses', 'final']).default('all'),
  order: z.enum(['in_order', 'reverse']).default('in_order'),
  /** Send every webhook twice (the provider's at-least-once delivery). */
  duplicate: z.boolean().default(false),
  delayMs: z.number().int().min(0).max(60_000).default(0),
});
export type PlayOptions = z.input<typeof playSchema>;

export interface Delivery {
  event: string;
  code?: string;
  status: number;
  body: unknown;
}

export class MeetingBaasSim {
  readonly meetings = new Map<string, SimMeeting>();
  /** Bots sent and removed through the REST API. */
  readonly bots: BotEndpoints;
  /** Data deletions asked for through the REST API (recorded; refusals scripted by tests). */
  readonly deletions: DataDeletions;
  private readonly now: () => number;

  constructor(private readonly options: MeetingBaasSimOptions) {
    this.now = options.now ?? Date.now;
    this.bots = new BotEndpoints(this, this.now);
    this.deletions = new DataDeletions(this);
  }

  create(input: unknown): SimMeeting {
    const scenario = createScenario(input as Parameters<typeof createScenario>[0], this.now());
    const meeting = simMeeting(scenario);
    this.meetings.set(meeting.botId, meeting);
    return meeting;
  }

  recordingUrl(botId: string, expiresSeconds: number): string {
    return presign(
      this.options.baseUrl(),
      `/recordings/${botId}.mp4`,
      this.options.signingSecret,
      this.now(),
      expiresSeconds,
    );
  }

  /** The meeting's webhooks, as `play` would send them. */
  webhooks(botId: string, include: 'all' | 'statuses' | 'final' = 'all'): object[] {
    const m = this.meetings.get(botId);
    if (!m) throw new Error(`unknown bot ${botId}`);
    const final =
      m.outcome === 'complete'
        ? completeWebhook(m, this.recordingUrl(botId, m.urlExpiresSeconds))
        : failedWebhook(m);
    if (include === 'statuses') return statusWebhooks(m);
    if (include === 'final') return [final];
    return [...statusWebhooks(m), final];
  }

  /** Posts the meeting's webhooks to a service, one after the other, and reports each answer. */
  async play(botId: string, input: PlayOptions): Promise<Delivery[]> {
    const opts = playSchema.parse(input);
    let bodies = this.webhooks(botId, opts.include);
    if (opts.order === 'reverse') bodies = bodies.reverse();
    if (opts.duplicate) bodies = bodies.flatMap((b) => [b, b]);
    const deliveries: Delivery[] = [];
    for (const body of bodies) {
      deliveries.push(await this.post(opts.webhookUrl, opts.apiKey ?? this.options.apiKey, body));
      if (opts.delayMs) await delay(opts.delayMs);
    }
    return deliveries;
  }

  /** Whether the REST API shows the meeting's final data yet (late and never-published data are faults). */
  isPublished(m: Scenario): boolean {
    return !m.live && m.dataPublished && this.now() >= m.createdAtMs + m.dataDelayMs;
  }

  /** Posts some webhooks of a meeting (those `pick` keeps) to its webhook URL, in order. */
  async sendWebhooks(
    botId: string,
    webhookUrl: string,
    pick: (body: object) => boolean,
  ): Promise<Delivery[]> {
    const all = this.webhooks(botId);
    const deliveries: Delivery[] = [];
    for (const body of all.filter(pick))
      deliveries.push(await this.post(webhookUrl, this.options.apiKey, body));
    return deliveries;
  }

  private async post(webhookUrl: string, apiKey: string, body: object): Promise<Delivery> {
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': apiKey },
      body: JSON.stringify(body),
    });
    const b = body as { event: string; data: { status?: { code: string } } };
    return {
      event: b.event,
      code: b.data.status?.code,
      status: res.status,
      body: await res.json().catch(() => null),
    };
  }

  /** GET /bots/meeting_data, in the shape of the v1 OpenAPI `Metadata`. */
  meetingData(botId: string, includeTranscripts: boolean): object | undefined {
    const m = this.meetings.get(botId);
    if (!m) return undefined;
    const started = new Date(m.startedAtMs).toISOString();
    const ended = new Date(m.startedAtMs + 10 * 60_000).toISOString();
    const ready = this.isPublished(m);
    const transcripts =
      ready && includeTranscripts && m.transcript
        ? scenarioTranscript(m).map((seg, i) => ({
            bot_id: 1,
            id: i + 1,
            speaker: seg.speaker,
            start_time: seg.words[0]?.start ?? 0,
            end_time: seg.words.at(-1)?.end ?? null,
            lang: 'en',
            user_id: null,
            words: seg.words.map((w, j) => ({
              bot_id: 1,
              id: i * 1000 + j + 1,
              start_time: w.start,
              end_time: w.end,
              text: w.word,
              user_id: null,
            })),
          }))
        : [];
    return {
      bot_data: {
        bot: {
          id: 1,
          account_id: 1,
          uuid: m.botId,
          bot_name: 'Simulated bot',
          bot_param_id: 1,
          meeting_url: 'https://meet.google.com/sim-ulat-ed',
          webhook_url: '',
          created_at: started,
          bot_joined_at: started,
          // A bot that has left shows it at once; its recording may be published later.
          bot_exited_at: !m.live && m.outcome === 'complete' ? ended : null,
          ended_at: !m.live && m.outcome === 'complete' ? ended : null,
          mp4_s3_path: `${m.botId}.mp4`,
          reserved: false,
          diarization_v2: false,
          extra: {},
          transcription_custom_parameters: {},
          errors: ready && m.outcome === 'failed' ? m.failureCode : null,
        },
        transcripts,
      },
      mp4: ready && m.outcome === 'complete' ? this.recordingUrl(botId, 7200) : '',
      audio: '',
      duration: 600,
      meeting_participants_file: '',
      speaker_diarization_file: '',
      speaker_diarization_file_network: '',
    };
  }

  routes(): Router {
    const router = Router();
    const requireKey: RequestHandler = (req, res, next) => {
      if (req.get('x-meeting-baas-api-key') !== this.options.apiKey)
        return void res.status(401).json({ error: 'Unauthorized' });
      next();
    };

    router.use(this.bots.routes(requireKey));
    router.use(this.deletions.routes(requireKey));

    router.get('/bots/meeting_data', requireKey, (req, res) => {
      const botId = typeof req.query.bot_id === 'string' ? req.query.bot_id : '';
      const data = this.meetingData(botId, req.query.include_transcripts !== 'false');
      if (!data) return void res.status(404).json({ error: 'Bot not found' });
      res.json(data);
    });

    router.get('/recordings/:file', async (req, res) => {
      const botId = req.params.file.replace(/\.mp4$/, '');
      const m = this.meetings.get(botId);
      const check = checkPresigned(
        req.path,
        new URLSearchParams(req.url.split('?')[1] ?? ''),
        this.options.signingSecret,
        this.now(),
      );
      if (!m || check === 'invalid') {
        return void res
          .status(403)
          .type('application/xml')
          .send('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      }
      if (check === 'expired') {
        return void res
          .status(403)
          .type('application/xml')
          .send('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      }
      await serveRecording(m, req, res);
    });

    router.post('/sim/meetingbaas/meetings', (req, res) => {
      try {
        const m = this.create(req.body ?? {});
        res.status(201).json({ botId: m.botId, recording: { bytes: m.recordingBytes, sha256: m.sha256 } });
      } catch (err) {
        res
          .status(400)
          .json({ error: 'invalid_payload', message: err instanceof Error ? err.message : String(err) });
      }
    });
    router.get('/sim/meetingbaas/meetings/:botId', (req, res) => {
      const m = this.meetings.get(req.params.botId);
      if (!m) return void res.status(404).json({ error: 'not_found' });
      res.json({ ...m, webhooks: this.webhooks(m.botId) });
    });
    // The recording replaced by other bytes (fault: the object changed between two downloads).
    router.post('/sim/meetingbaas/meetings/:botId/recording/change', (req, res) => {
      const m = this.meetings.get(req.params.botId);
      if (!m) return void res.status(404).json({ error: 'not_found' });
      changeRecording(m);
      res.json({ botId: m.botId, recording: { bytes: m.recordingBytes, sha256: m.sha256 } });
    });
    router.post('/sim/meetingbaas/meetings/:botId/play', async (req, res) => {
      if (!this.meetings.has(req.params.botId)) return void res.status(404).json({ error: 'not_found' });
      const parsed = playSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        return void res.status(400).json({ error: 'invalid_payload', message: parsed.error.message });
      res.json({ deliveries: await this.play(req.params.botId, parsed.data) });
    });
    return router;
  }
}
