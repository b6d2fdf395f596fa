// The simulator's bot endpoints: send a bot (v1 `POST /bots/`, v2 `POST /v2/bots`) and make it leave
// (v1 `DELETE /bots/{uuid}`, v2 `POST /v2/bots/{id}/leave`). A v1 bot with a `webhook_url` then reports its
// progress there like the real one: statuses up to recording, and `call_ended` + `complete` once it leaves.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Scenario, ScenarioInput } from './scenario';

// The provider's default: one bot per meeting URL per 5 minutes, unless the request says otherwise.
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;

const v1JoinSchema = z
  .object({
    meeting_url: z.string().min(1),
    bot_name: z.string().min(1),
    webhook_url: z.string().nullish(),
    deduplication_key: z.string().nullish(),
  })
  .loose();
const v2CreateSchema = z
  .object({
    meeting_url: z.string().min(1),
    bot_name: z.string().min(1),
    allow_multiple_bots: z.boolean().optional(),
  })
  .loose();

/** What the bot endpoints need of the simulated provider (routes.ts's MeetingBaasSim, which serves them). */
export interface BotHost {
  readonly meetings: ReadonlyMap<string, Scenario>;
  create(input: ScenarioInput): Scenario;
  /** Posts the bot's webhooks that `pick` keeps to `webhookUrl`, in order. */
  sendWebhooks(botId: string, webhookUrl: string, pick: (body: object) => boolean): Promise<unknown>;
}

interface SentBot {
  botId: string;
  meetingUrl: string;
  dedupeKey: string | undefined;
  /** Where the bot was told to send its webhooks (v1), if anywhere. */
  webhookUrl: string | undefined;
  at: number;
}

export class BotEndpoints {
  /** Every bot the simulator was asked to send, in order (tests count them). */
  readonly sent: SentBot[] = [];
  /** The scenario every new bot follows (tests set recording size, transcript, ...). */
  scenario: ScenarioInput = {};

  constructor(
    private readonly sim: BotHost,
    private readonly now: () => number,
  ) {}

  /** 409 when a bot already went to this meeting URL lately (the provider's own duplicate guard). */
  private duplicate(meetingUrl: string, dedupeKey: string | undefined, allowMultiple: boolean): boolean {
    if (allowMultiple) return false;
    return this.sent.some(
      (b) =>
        b.meetingUrl === meetingUrl &&
        b.dedupeKey === dedupeKey &&
        this.now() - b.at < DEDUPLICATION_WINDOW_MS,
    );
  }

  private send(meetingUrl: string, dedupeKey: string | undefined, webhookUrl: string | undefined) {
    const m = this.sim.create(this.scenario);
    m.live = true;
    m.webhookUrl = webhookUrl;
    this.sent.push({ botId: m.botId, meetingUrl, dedupeKey, webhookUrl, at: this.now() });
    if (webhookUrl) {
      const inMeeting = new Set([
        'joining_call',
        'in_waiting_room',
        'in_call_not_recording',
        'in_call_recording',
      ]);
      this.later(this.sim.sendWebhooks(m.botId, webhookUrl, (b) => inMeeting.has(statusCode(b) ?? '')));
    }
    return m;
  }

  private leave(botId: string): boolean {
    const m = this.sim.meetings.get(botId);
    if (!m) return false;
    if (!m.live) return true;
    m.live = false;
    if (m.webhookUrl) {
      this.later(
        this.sim.sendWebhooks(m.botId, m.webhookUrl, (b) => statusCode(b) === 'call_ended' || !statusCode(b)),
      );
    }
    return true;
  }

  /** Webhooks go out after the HTTP answer, as the provider's do; a receiver that is down is its problem. */
  private later(p: Promise<unknown>): void {
    p.catch(() => undefined);
  }

  routes(requireKey: RequestHandler): Router {
    const router = Router();
    router.post('/bots/', requireKey, (req, res) => {
      const parsed = v1JoinSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: z.prettifyError(parsed.error) });
      const { meeting_url, deduplication_key, webhook_url } = parsed.data;
      if (this.duplicate(meeting_url, deduplication_key ?? undefined, false)) {
        return void res
          .status(409)
          .json({ error: 'A bot was already sent to this meeting in the last 5 minutes' });
      }
      const m = this.send(meeting_url, deduplication_key ?? undefined, webhook_url ?? undefined);
      res.status(200).json({ bot_id: m.botId });
    });
    router.delete('/bots/:uuid', requireKey, (req, res) => {
      if (!this.leave(String(req.params.uuid))) return void res.status(404).json({ error: 'Bot not found' });
      res.json({ ok: true });
    });

    router.post('/v2/bots', requireKey, (req, res) => {
      const parsed = v2CreateSchema.safeParse(req.body);
      if (!parsed.success) {
        return void res
          .status(400)
          .json({ success: false, error: 'Bad Request', code: 'FST_ERR_VALIDATION', statusCode: 400 });
      }
      const { meeting_url, allow_multiple_bots } = parsed.data;
      if (this.duplicate(meeting_url, undefined, allow_multiple_bots ?? false)) {
        return void res.status(409).json({
          success: false,
          error: 'Conflict',
          code: 'BOT_ALREADY_EXISTS',
          statusCode: 409,
          message: 'A bot already exists for this meeting URL',
        });
      }
      const m = this.send(meeting_url, undefined, undefined);
      res.status(201).json({ success: true, data: { bot_id: m.botId } });
    });
    router.post('/v2/bots/:botId/leave', requireKey, (req, res) => {
      if (!this.leave(String(req.params.botId))) {
        return void res
          .status(404)
          .json({ success: false, error: 'Not Found', code: 'BOT_NOT_FOUND', statusCode: 404 });
      }
      res.json({ success: true, data: { message: 'Bot is leaving the meeting' } });
    });
    return router;
  }
}

function statusCode(body: object): string | undefined {
  return (body as { data?: { status?: { code?: string } } }).data?.status?.code;
}
