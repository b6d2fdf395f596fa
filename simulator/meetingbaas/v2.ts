// The simulator's Meeting BaaS v2: webhooks signed with Svix and played into a service, `GET /v2/bots/{id}`,
// and the `transcription` artifact behind a presigned URL.
import { Router, type RequestHandler } from 'express';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { Webhook as SvixWebhook } from 'svix';
import { checkPresigned, presign } from '../presign';
import type { Delivery, MeetingBaasSim } from './routes';
import type { Scenario } from './scenario';
import {
  v2BotDetails,
  v2CompletedWebhook,
  v2FailedWebhook,
  v2StatusWebhooks,
  v2Transcription,
  type V2ArtifactUrls,
} from './v2-bodies';

/** The simulator's default Svix signing secret: give the service the same MEETINGBAAS_WEBHOOK_SECRET. */
export const SIM_WEBHOOK_SECRET = `whsec_${Buffer.from('meeting-baas-simulator-v2-secret').toString('base64')}`;

// v2 artifact URLs are presigned for 4 hours. The scenario's `urlExpiresSeconds` defaults to v1's 2 hours:
// that default means "the provider's usual lifetime" here; any other value (0: already expired) is used as is.
const V2_URL_SECONDS = 4 * 3600;
const V1_DEFAULT_URL_SECONDS = 7200;
// Svix refuses timestamps more than 5 minutes away from its clock.
const SKEW_MS = 10 * 60_000;

export const v2SignSchema = z.object({
  /** Signs with this secret instead of the simulator's (a service with another secret refuses it). */
  secret: z.string().startsWith('whsec_').optional(),
  /** `bad`: a signature that does not match the body. */
  signature: z.enum(['valid', 'bad']).default('valid'),
  /** `stale`/`future`: a timestamp outside Svix's 5-minute tolerance (replay protection). */
  timestamp: z.enum(['now', 'stale', 'future']).default('now'),
});
export type V2SignOptions = z.input<typeof v2SignSchema>;

export const v2PlaySchema = v2SignSchema.extend({
  version: z.literal('v2'),
  webhookUrl: z.url(),
  /** Which webhooks: statuses, final event, or both. */
  include: z.enum(['all', 'statuses', 'final']).default('all'),
  order: z.enum(['in_order', 'reverse']).default('in_order'),
  /** Deliver every message twice with the same svix-id (Svix's at-least-once retries). */
  duplicate: z.boolean().default(false),
  delayMs: z.number().int().min(0).max(60_000).default(0),
});
export type V2PlayOptions = Omit<z.input<typeof v2PlaySchema>, 'version'>;

export interface V2Delivery extends Delivery {
  svixId: string;
}

export interface MeetingBaasV2SimOptions {
  apiKey: string;
  baseUrl: () => string;
  /** Secret of the presigned artifact URLs. */
  signingSecret: string;
  /** Svix secret (`whsec_…`) the webhooks are signed with. */
  webhookSecret?: string;
  now?: () => number;
}

const accessDenied = (message: string) =>
  `<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`;

const v2Error = (statusCode: number, error: string, code: string, message: string) => ({
  success: false,
  error,
  code,
  statusCode,
  message,
  details: null,
});

export class MeetingBaasV2Sim {
  private readonly now: () => number;
  readonly webhookSecret: string;

  constructor(
    private readonly sim: MeetingBaasSim,
    private readonly options: MeetingBaasV2SimOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.webhookSecret = options.webhookSecret ?? SIM_WEBHOOK_SECRET;
  }

  private meeting(botId: string): Scenario {
    const m = this.sim.meetings.get(botId);
    if (!m) throw new Error(`unknown bot ${botId}`);
    return m;
  }

  private urlSeconds(m: Scenario): number {
    return m.urlExpiresSeconds === V1_DEFAULT_URL_SECONDS ? V2_URL_SECONDS : m.urlExpiresSeconds;
  }

  transcriptionUrl(botId: string, expiresSeconds: number): string {
    const { baseUrl, signingSecret } = this.options;
    return presign(baseUrl(), `/transcriptions/${botId}.json`, signingSecret, this.now(), expiresSeconds);
  }

  /**
   * Freshly signed artifact URLs: `bot.completed` carries them with the scenario's lifetime (0 = already
   * expired, a fault); `GET /v2/bots/{id}` signs them anew for 4 hours, as the provider does.
   */
  artifactUrls(m: Scenario, seconds = this.urlSeconds(m)): V2ArtifactUrls {
    return {
      video: m.outcome === 'complete' ? this.sim.recordingUrl(m.botId, seconds) : null,
      transcription:
        m.outcome === 'complete' && m.transcript ? this.transcriptionUrl(m.botId, seconds) : null,
    };
  }

  /** The meeting's v2 webhook bodies, as `play` would send them. */
  webhooks(botId: string, include: 'all' | 'statuses' | 'final' = 'all') {
    const m = this.meeting(botId);
    const final = m.outcome === 'complete' ? v2CompletedWebhook(m, this.artifactUrls(m)) : v2FailedWebhook(m);
    if (include === 'statuses') return v2StatusWebhooks(m);
    if (include === 'final') return [final];
    return [...v2StatusWebhooks(m), final];
  }

  /** The three Svix headers for `payload`, signed as `opts` asks. */
  svixHeaders(svixId: string, payload: string, opts: V2SignOptions = {}): Record<string, string> {
    const { secret, signature, timestamp } = v2SignSchema.parse(opts);
    const skew = { now: 0, stale: -SKEW_MS, future: SKEW_MS }[timestamp];
    const at = new Date(this.now() + skew);
    const signed =
      signature === 'valid'
        ? new SvixWebhook(secret ?? this.webhookSecret).sign(svixId, at, payload)
        : `v1,${randomBytes(32).toString('base64')}`;
    return {
      'svix-id': svixId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': signed,
    };
  }

  /** Posts one body, signed, as Svix delivers it; `svixId` defaults to a new message id. */
  async send(
    webhookUrl: string,
    body: object,
    opts: V2SignOptions & { svixId?: string } = {},
  ): Promise<V2Delivery> {
    const svixId = opts.svixId ?? `msg_${randomUUID().replace(/-/g, '')}`;
    const payload = JSON.stringify(body);
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.svixHeaders(svixId, payload, opts) },
      body: payload,
    });
    const b = body as { event?: string; data?: { status?: { code?: string } } };
    return {
      event: b.event ?? '',
      code: b.data?.status?.code,
      svixId,
      status: res.status,
      body: await res.json().catch(() => null),
    };
  }

  /** Plays the meeting's v2 webhooks into a service, one after the other, and reports each answer. */
  async play(botId: string, input: V2PlayOptions): Promise<V2Delivery[]> {
    const opts = v2PlaySchema.parse({ ...input, version: 'v2' });
    let bodies: object[] = this.webhooks(botId, opts.include);
    if (opts.order === 'reverse') bodies = bodies.reverse();
    const deliveries: V2Delivery[] = [];
    for (const body of bodies) {
      const first = await this.send(opts.webhookUrl, body, opts);
      deliveries.push(first);
      // A retry is the same message (same svix-id), signed again at its own time.
      if (opts.duplicate)
        deliveries.push(await this.send(opts.webhookUrl, body, { ...opts, svixId: first.svixId }));
      if (opts.delayMs) await delay(opts.delayMs);
    }
    return deliveries;
  }

  /** `GET /v2/bots/{bot_id}`, or undefined for an unknown bot. */
  botDetails(botId: string) {
    const m = this.sim.meetings.get(botId);
    if (!m) return undefined;
    const state = m.live ? 'live' : this.sim.isPublished(m) ? 'done' : 'processing';
    return v2BotDetails(m, state, this.artifactUrls(m, V2_URL_SECONDS));
  }

  routes(): Router {
    const router = Router();
    const requireKey: RequestHandler = (req, res, next) => {
      if (req.get('x-meeting-baas-api-key') !== this.options.apiKey) {
        return void res.status(401).json(v2Error(401, 'Unauthorized', 'UNAUTHORIZED', 'Invalid API key'));
      }
      next();
    };

    router.get('/v2/bots/:botId', requireKey, (req, res) => {
      const details = this.botDetails(String(req.params.botId));
      if (!details)
        return void res.status(404).json(v2Error(404, 'Not Found', 'BOT_NOT_FOUND', 'Bot not found'));
      res.json(details);
    });

    router.get('/transcriptions/:file', (req, res) => {
      const m = this.sim.meetings.get(req.params.file.replace(/\.json$/, ''));
      const check = checkPresigned(
        req.path,
        new URLSearchParams(req.url.split('?')[1] ?? ''),
        this.options.signingSecret,
        this.now(),
      );
      const denied = (message: string) =>
        void res.status(403).type('application/xml').send(accessDenied(message));
      if (!m || !m.transcript || m.outcome !== 'complete' || check === 'invalid')
        return denied('Access Denied');
      if (check === 'expired') return denied('Request has expired');
      res.json(v2Transcription(m));
    });

    // `play` with {"version": "v2"}; any other play goes on to the v1 route.
    router.post(
      '/sim/meetingbaas/meetings/:botId/play',
      (req, _res, next) =>
        next((req.body as { version?: unknown } | undefined)?.version === 'v2' ? undefined : 'route'),
      async (req, res) => {
        if (!this.sim.meetings.has(req.params.botId))
          return void res.status(404).json({ error: 'not_found' });
        const parsed = v2PlaySchema.safeParse(req.body);
        if (!parsed.success)
          return void res.status(400).json({ error: 'invalid_payload', message: parsed.error.message });
        res.json({ deliveries: await this.play(req.params.botId, parsed.data) });
      },
    );
    router.get('/sim/meetingbaas/meetings/:botId/v2/webhooks', (req, res) => {
      if (!this.sim.meetings.has(req.params.botId)) return void res.status(404).json({ error: 'not_found' });
      res.json(this.webhooks(req.params.botId));
    });
    return router;
  }
}
