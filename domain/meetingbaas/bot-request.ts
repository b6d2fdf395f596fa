// POST /bots: what a caller may ask of a Meeting BaaS bot. The field names are those of the v1 `JoinRequest`
// (the documented, most used form); for a v2 account they are translated to `CreateBotRequestBody`.
import { z } from 'zod';

const seconds = z.number().int().min(0).max(86_400);

export const botRequestSchema = z.strictObject({
  meeting_url: z.url({ protocol: /^https?$/ }).max(2000),
  bot_name: z.string().trim().min(1).max(100),
  bot_image: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  entry_message: z.string().max(1000).optional(),
  recording_mode: z.enum(['speaker_view', 'gallery_view', 'audio_only']).optional(),
  speech_to_text: z
    .union([
      z.enum(['Gladia', 'Runpod', 'Default']),
      z.object({ provider: z.enum(['Gladia', 'Runpod', 'Default']), api_key: z.string().optional() }),
    ])
    .optional(),
  automatic_leave: z
    .object({
      waiting_room_timeout: seconds.optional(),
      noone_joined_timeout: seconds.optional(),
      silence_timeout: seconds.optional(),
    })
    .optional(),
  /** Unix seconds: the bot joins then (a scheduled bot). */
  start_time: z.number().int().min(0).optional(),
  /**
   * Refused: v1 webhooks carry the account's API key to this URL, so a caller could collect it. The service
   * sets it itself (PUBLIC_URL), and the field stays in the schema only to say so.
   */
  webhook_url: z
    .unknown()
    .refine((v) => v === undefined, {
      error: 'webhook_url is set by the service (PUBLIC_URL + /webhooks/meetingbaas), not by the caller',
    })
    .optional()
    // JSON Schema's "no value is valid".
    .meta({ not: {}, description: 'Refused (400): the service sets the webhook URL of the bots it sends' }),
  /** Overrides the provider's "one bot per meeting URL per 5 minutes" rule. */
  deduplication_key: z.string().min(1).max(200).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type BotRequest = z.infer<typeof botRequestSchema>;

/** The v2 `POST /v2/bots` body for a request. */
export function toV2CreateBot(request: BotRequest): Record<string, unknown> {
  const leave = request.automatic_leave;
  const body: Record<string, unknown> = {
    meeting_url: request.meeting_url,
    bot_name: request.bot_name,
    bot_image: request.bot_image,
    entry_message: request.entry_message,
    recording_mode: request.recording_mode,
    extra: request.extra,
    // v2 deduplicates by meeting URL unless told otherwise; a deduplication key asks for that override.
    allow_multiple_bots: request.deduplication_key ? true : undefined,
    transcription_enabled: request.speech_to_text ? true : undefined,
    timeout_config: leave
      ? {
          waiting_room_timeout: leave.waiting_room_timeout,
          no_one_joined_timeout: leave.noone_joined_timeout,
          silence_timeout: leave.silence_timeout,
        }
      : undefined,
  };
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}
