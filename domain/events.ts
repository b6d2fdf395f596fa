import { z } from 'zod';
import { archiveRefSchema } from './archive-ref';
import { externalIdSchema, providerSchema } from './ids';
import { LIFECYCLE_EVENTS } from './lifecycle';
import { isoTimestampSchema } from './timestamps';

export const EVENT_SOURCES = ['webhook', 'api', 'timer'] as const;

/**
 * One provider event, normalised at the edge (API or reconciling activity) and sent to the meeting's
 * workflow as the `providerEvent` signal. Small by construction: large bodies travel as `payloadRef`.
 */
export const providerEventSchema = z.object({
  provider: providerSchema,
  externalId: externalIdSchema,
  /** What the event means for the lifecycle. */
  kind: z.enum(LIFECYCLE_EVENTS),
  /** The provider's own code: a status code or an event name. */
  code: z.string().min(1).max(200),
  /** The provider's timestamp of the event, when it gives one. */
  occurredAt: isoTimestampSchema.optional(),
  receivedAt: isoTimestampSchema,
  source: z.enum(EVENT_SOURCES),
  /** The provider's delivery id, when it gives one. */
  deliveryId: z.string().min(1).max(200).optional(),
  /** Same key = same event delivered again: the provider's delivery id or one derived from the content. */
  dedupeKey: z.string().min(1).max(400),
  endReason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Where the recording can be fetched, with the expiry of that URL when known. */
  recording: z.object({ url: z.url().optional(), urlExpiresAt: isoTimestampSchema.optional() }).optional(),
  /** Whether the final data carries a transcript (in `payloadRef`). */
  hasTranscript: z.boolean().optional(),
  /** The bot's waiting-room timeout, when this service sent the bot and the request set one. */
  waitingRoomTimeoutSeconds: z.number().int().positive().optional(),
  /** The meeting's title, when the provider names it (Webex meetings). */
  title: z.string().max(500).optional(),
  /** Speakers named by the provider (small: names only). */
  speakers: z.array(z.string()).optional(),
  /** The raw provider payload when small... */
  payload: z.unknown().optional(),
  /** ...or a claim check for it in the archive when large. */
  payloadRef: archiveRefSchema.optional(),
  note: z.string().optional(),
});
export type ProviderEvent = z.infer<typeof providerEventSchema>;
