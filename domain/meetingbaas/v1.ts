// Meeting BaaS v1 webhooks ("Getting the Data"): their schemas and what each code means to the lifecycle.
import { z } from 'zod';
import type { ProviderEvent } from '../events';
import { externalIdSchema } from '../ids';
import type { LifecycleEvent } from '../lifecycle';
import { redactPresignedUrl, redactUrlsInText } from '../redact';
import { providerTimestampSchema } from '../timestamps';
import type { TimedWord } from '../transcript';

// z.object strips keys it does not name, so fields the provider adds later are tolerated.
export const v1StatusChangeSchema = z.object({
  event: z.literal('bot.status_change'),
  data: z.object({
    bot_id: externalIdSchema,
    status: z.object({
      code: z.string().min(1).max(100),
      created_at: providerTimestampSchema,
      start_time: providerTimestampSchema.optional(),
      error_message: z.string().optional(),
      error_type: z.string().optional(),
    }),
  }),
});

export const v1WordSchema = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  word: z.string(),
});

export const v1TranscriptSegmentSchema = z.object({
  speaker: z.string(),
  words: z.array(v1WordSchema),
});

export const v1CompleteSchema = z.object({
  event: z.literal('complete'),
  data: z.object({
    bot_id: externalIdSchema,
    // The seed always sends it; null/absent is tolerated and means "no recording".
    mp4: z.url({ protocol: /^https?$/ }).nullish(),
    speakers: z.array(z.string()).default([]),
    transcript: z.array(v1TranscriptSegmentSchema).optional(),
  }),
});

export const v1FailedSchema = z.object({
  event: z.literal('failed'),
  data: z.object({
    bot_id: externalIdSchema,
    error: z.string().min(1).max(200),
    message: z.string().optional(),
  }),
});

export const v1WebhookSchema = z.discriminatedUnion('event', [
  v1StatusChangeSchema,
  v1CompleteSchema,
  v1FailedSchema,
]);
export type V1Webhook = z.infer<typeof v1WebhookSchema>;
export type V1Complete = z.infer<typeof v1CompleteSchema>;
export const V1_EVENT_TYPES: ReadonlySet<string> = new Set(['bot.status_change', 'complete', 'failed']);

/** Every v1 status code of the documentation, with its lifecycle meaning and end reason. */
export const V1_STATUS_CODES: Readonly<Record<string, { kind: LifecycleEvent; endReason?: string }>> = {
  joining_call: { kind: 'joining' },
  in_waiting_room: { kind: 'waiting_room' },
  in_call_not_recording: { kind: 'in_call' },
  in_call_recording: { kind: 'recording' },
  recording_paused: { kind: 'paused' },
  recording_resumed: { kind: 'recording' },
  call_ended: { kind: 'ended' },
  bot_rejected: { kind: 'ended_unadmitted', endReason: 'bot_rejected' },
  bot_removed: { kind: 'ended', endReason: 'bot_removed' },
  waiting_room_timeout: { kind: 'ended_unadmitted', endReason: 'waiting_room_timeout' },
  invalid_meeting_url: { kind: 'ended_unadmitted', endReason: 'invalid_meeting_url' },
  meeting_error: { kind: 'ended', endReason: 'meeting_error' },
};

/** The documented `failed` error codes, explained for people reading the MeetingView. */
export const V1_FAILURE_MESSAGES: Readonly<Record<string, string>> = {
  CannotJoinMeeting:
    'The bot could not join the meeting URL (often: only invited, logged-in users may join).',
  TimeoutWaitingToStart: 'The bot gave up waiting to be admitted (automatic_leave timeout).',
  BotNotAccepted: 'The bot was refused entry to the meeting.',
  BotRemoved: 'The bot was removed from the meeting by a participant.',
  InternalError: 'Meeting BaaS reported an internal error.',
  InvalidMeetingUrl: 'The meeting URL is not a valid Zoom, Meet or Teams URL.',
};

export interface V1Context {
  receivedAt: string;
  /**
   * Claim check of the raw body (`complete`: it carries the transcript and the signed mp4 URL, which the
   * activities read from there). The body itself never goes into the event.
   */
  payloadRef?: ProviderEvent['payloadRef'];
  recordingUrlExpiresAt?: string;
}

/** The normalised event for one v1 webhook: no raw body, no signed URL, provider text with URLs redacted. */
export function v1ToProviderEvent(webhook: V1Webhook, ctx: V1Context): ProviderEvent {
  const base = {
    provider: 'meetingbaas' as const,
    externalId: webhook.data.bot_id,
    receivedAt: ctx.receivedAt,
    source: 'webhook' as const,
  };
  switch (webhook.event) {
    case 'bot.status_change': {
      const { code, created_at, error_message, error_type } = webhook.data.status;
      const known = V1_STATUS_CODES[code];
      return {
        ...base,
        kind: known?.kind ?? 'unknown',
        code,
        occurredAt: created_at,
        dedupeKey: `status:${code}:${created_at}`,
        endReason: known?.endReason,
        note: error_message ? redactUrlsInText(`${error_type ?? 'error'}: ${error_message}`) : undefined,
      };
    }
    case 'complete':
      return {
        ...base,
        kind: 'final_data',
        code: 'complete',
        // v1 `complete` has no id or timestamp; one bot completes once, so the event name is the key.
        dedupeKey: 'complete',
        recording: webhook.data.mp4
          ? {
              url: redactPresignedUrl(webhook.data.mp4),
              urlExpiresAt: ctx.recordingUrlExpiresAt,
              redacted: true,
            }
          : undefined,
        speakers: webhook.data.speakers,
        hasTranscript: webhook.data.transcript !== undefined,
        payloadRef: ctx.payloadRef,
        note: webhook.data.transcript
          ? undefined
          : 'no transcript in the final data (speech_to_text was not set)',
      };
    case 'failed':
      return {
        ...base,
        kind: 'final_failure',
        code: 'failed',
        dedupeKey: `failed:${webhook.data.error}`,
        error: {
          code: webhook.data.error,
          message: redactUrlsInText(
            webhook.data.message ??
              V1_FAILURE_MESSAGES[webhook.data.error] ??
              'Meeting BaaS reported a failure.',
          ),
        },
      };
  }
}

/** The words of a v1 `complete` transcript, flattened with their speaker. */
export function v1TranscriptWords(complete: V1Complete): TimedWord[] {
  return (complete.data.transcript ?? []).flatMap((segment) =>
    segment.words.map((w) => ({ speaker: segment.speaker, start: w.start, end: w.end, text: w.word })),
  );
}
