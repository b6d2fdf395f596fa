// Meeting BaaS v2 webhooks (Svix-signed): their schemas and what each code means to the lifecycle.
import { z } from 'zod';
import type { ProviderEvent } from '../events';
import { externalIdSchema } from '../ids';
import type { LifecycleEvent } from '../lifecycle';
import { presignedUrlExpiry } from '../presigned-url';
import { eventTime } from '../provider-time';
import { redactPresignedUrl, redactUrlsInText } from '../redact';
import { providerTimestampSchema } from '../timestamps';
import { V1_STATUS_CODES } from './v1';

// z.object strips keys it does not name: fields the provider adds later (extra, event_id, ...) are tolerated.
// Fields the OpenAPI marks required but this service does not need are optional here.

const artifactUrlSchema = z.url({ protocol: /^https?$/ }).nullish();
const people = z
  .array(z.object({ name: z.string() }))
  .nullish()
  .transform((list) => list ?? []);

export const v2StatusChangeSchema = z.object({
  event: z.literal('bot.status_change'),
  data: z.object({
    bot_id: externalIdSchema,
    status: z.object({
      code: z.string().min(1).max(100),
      created_at: providerTimestampSchema,
      error_message: z.string().optional(),
    }),
  }),
});

export const v2CompletedSchema = z.object({
  event: z.literal('bot.completed'),
  data: z.object({
    bot_id: externalIdSchema,
    // The OpenAPI names the recording `video`; the webhooks page's example calls it `mp4`. Either is read.
    video: artifactUrlSchema,
    mp4: artifactUrlSchema,
    transcription: artifactUrlSchema,
    speakers: people,
    participants: people,
    duration_seconds: z.number().nonnegative().nullish(),
    sent_at: providerTimestampSchema.optional(),
  }),
});

export const v2FailedSchema = z.object({
  event: z.literal('bot.failed'),
  data: z.object({
    bot_id: externalIdSchema,
    error_code: z.string().min(1).max(200),
    error_message: z.string().optional(),
    sent_at: providerTimestampSchema.optional(),
  }),
});

export const v2WebhookSchema = z.discriminatedUnion('event', [
  v2StatusChangeSchema,
  v2CompletedSchema,
  v2FailedSchema,
]);
export type V2Webhook = z.infer<typeof v2WebhookSchema>;
/** Other v2 events (bot.chat_message, calendar.*) are not about collecting a meeting: answered 202. */
export const V2_EVENT_TYPES: ReadonlySet<string> = new Set([
  'bot.status_change',
  'bot.completed',
  'bot.failed',
]);

export interface V2StatusMeaning {
  kind: LifecycleEvent;
  endReason?: string;
  /** Said in the history entry, for codes whose meaning is not obvious from their name. */
  note?: string;
}

/**
 * Every v2 status code of the webhooks page (and of the OpenAPI's bot status enum). The v1 codes keep their
 * v1 meaning; v2 adds the bot's queue, post-call and terminal codes.
 */
export const V2_STATUS_CODES: Readonly<Record<string, V2StatusMeaning>> = {
  ...V1_STATUS_CODES,
  // Queued is before any join attempt: the meeting is planned, the bot has not started joining.
  queued: { kind: 'scheduled' },
  pickup_delayed: {
    kind: 'scheduled',
    note: 'informational: the bot has been queued longer than expected; it may still join normally',
  },
  in_waiting_for_host: { kind: 'waiting_room' },
  // The bot has left the call: each of these ends the meeting if call_ended was missed.
  recording_succeeded: { kind: 'ended' },
  transcribing: { kind: 'ended' },
  recording_failed: { kind: 'ended', endReason: 'recording_failed' },
  api_request_stop: { kind: 'ended', endReason: 'api_request_stop' },
  bot_removed_too_early: { kind: 'ended', endReason: 'bot_removed_too_early' },
  // The outcome itself comes in `bot.completed` / `bot.failed` (with the error code); the status only says
  // the call is over. If that webhook never comes, the watchdog asks GET /v2/bots/{id}.
  completed: { kind: 'ended' },
  failed: { kind: 'ended', note: 'the bot failed; the reason follows in bot.failed' },
};

/** v2 artifact URLs are presigned for 4 hours (artifacts page). */
export const V2_ARTIFACT_URL_TTL_MS = 4 * 60 * 60 * 1000;

export interface V2Context {
  /** The Svix message id (`svix-id`): the same for every delivery attempt of one message. */
  deliveryId: string;
  receivedAt: string;
  /**
   * Claim check of the raw body (`bot.completed`: the activities read the signed recording and transcription
   * URLs from there). The body itself never goes into the event.
   */
  payloadRef?: ProviderEvent['payloadRef'];
}

/** When a v2 artifact URL stops working: from the URL's own signature, else 4 hours after it was sent. */
export function v2ArtifactUrlExpiry(url: string, sentAt: string): string {
  return presignedUrlExpiry(url) ?? new Date(Date.parse(sentAt) + V2_ARTIFACT_URL_TTL_MS).toISOString();
}

const joinNotes = (...notes: Array<string | undefined>) => notes.filter(Boolean).join('; ') || undefined;

/** The normalised event for one v2 webhook: no raw body, no signed URL, provider text with URLs redacted. */
export function v2ToProviderEvent(webhook: V2Webhook, ctx: V2Context): ProviderEvent {
  const base = {
    provider: 'meetingbaas' as const,
    externalId: webhook.data.bot_id,
    receivedAt: ctx.receivedAt,
    source: 'webhook' as const,
    deliveryId: ctx.deliveryId,
    // Svix keeps the message id across retries: that is what makes a redelivery a duplicate.
    dedupeKey: `svix:${ctx.deliveryId}`,
  };
  switch (webhook.event) {
    case 'bot.status_change': {
      const { code, created_at, error_message } = webhook.data.status;
      const known = V2_STATUS_CODES[code];
      return {
        ...base,
        kind: known?.kind ?? 'unknown',
        code,
        occurredAt: created_at,
        endReason: known?.endReason,
        note: joinNotes(known?.note, error_message && redactUrlsInText(error_message)),
      };
    }
    case 'bot.completed': {
      const { video, mp4, transcription, speakers, sent_at } = webhook.data;
      const url = video ?? mp4;
      return {
        ...base,
        kind: 'final_data',
        code: 'bot.completed',
        occurredAt: sent_at,
        recording: url
          ? {
              url: redactPresignedUrl(url),
              urlExpiresAt: v2ArtifactUrlExpiry(url, eventTime(sent_at, ctx.receivedAt).at),
              redacted: true,
            }
          : undefined,
        speakers: speakers.map((s) => s.name),
        hasTranscript: !!transcription,
        payloadRef: ctx.payloadRef,
        note: transcription
          ? undefined
          : 'no transcription in the final data (transcription was not enabled)',
      };
    }
    case 'bot.failed':
      return {
        ...base,
        kind: 'final_failure',
        code: 'bot.failed',
        occurredAt: webhook.data.sent_at,
        error: {
          code: webhook.data.error_code,
          message: redactUrlsInText(
            webhook.data.error_message ?? 'Meeting BaaS reported that the bot failed.',
          ),
        },
      };
  }
}
