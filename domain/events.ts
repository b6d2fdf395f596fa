import { z } from 'zod';
import { archiveRefSchema } from './archive-ref';
import { externalIdSchema, providerSchema } from './ids';
import { LIFECYCLE_EVENTS } from './lifecycle';
import { isoTimestampSchema, keptTimestampSchema } from './timestamps';

export const EVENT_SOURCES = ['webhook', 'api', 'timer'] as const;

/**
 * One provider event, normalised at the edge (API or reconciling activity) and sent to the meeting's
 * workflow as the `providerEvent` signal. Small and free of secrets by construction: the provider's body
 * stays in the archive (`payloadRef`, when an activity needs it), never in the signal; a signed URL travels
 * without its signature; provider text has its URLs redacted (domain/redact.ts).
 */
export const providerEventSchema = z.object({
  provider: providerSchema,
  externalId: externalIdSchema,
  /** What the event means for the lifecycle. */
  kind: z.enum(LIFECYCLE_EVENTS),
  /** The provider's own code: a status code or an event name. */
  code: z.string().min(1).max(200),
  /**
   * The provider's timestamp of the event, when it gives one: ISO when readable, else as it came (the
   * meeting orders such an event by `receivedAt`, see domain/provider-time.ts).
   */
  occurredAt: keptTimestampSchema.optional(),
  receivedAt: isoTimestampSchema,
  source: z.enum(EVENT_SOURCES),
  /** The provider's delivery id, when it gives one. */
  deliveryId: z.string().min(1).max(200).optional(),
  /** Same key = same event delivered again: the provider's delivery id or one derived from the content. */
  dedupeKey: z.string().min(1).max(400),
  endReason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Where the recording is, with the expiry of its signed URL when known. */
  recording: z
    .object({
      /**
       * The recording's URL without its query (signature, credential): for display and to say there is one.
       * Events signalled before the issue-12 hygiene carry the signed URL itself here, and no `redacted`.
       */
      url: z.url().optional(),
      urlExpiresAt: isoTimestampSchema.optional(),
      /**
       * `url` lost its query: the signed URL is read by the activity that downloads (or hands it out) from
       * the body behind `payloadRef`, or asked of the provider again. It never enters the workflow's history.
       */
      redacted: z.literal(true).optional(),
    })
    .optional(),
  /** Whether the final data carries a transcript (in `payloadRef`). */
  hasTranscript: z.boolean().optional(),
  /** The bot's waiting-room timeout, when this service sent the bot and the request set one. */
  waitingRoomTimeoutSeconds: z.number().int().positive().optional(),
  /** The meeting's title, when the provider names it (Webex meetings). */
  title: z.string().max(500).optional(),
  /** Speakers named by the provider (small: names only). */
  speakers: z.array(z.string()).optional(),
  /** Claim check of the provider's body in the archive, for the activities that read it (final data). */
  payloadRef: archiveRefSchema.optional(),
  note: z.string().optional(),
});
export type ProviderEvent = z.infer<typeof providerEventSchema>;

/**
 * An event as a running workflow may receive it: events signalled before the issue-12 hygiene may still
 * carry the provider's raw body as `payload` (and a signed `recording.url`).
 */
export type ReceivedProviderEvent = ProviderEvent & { payload?: unknown };
