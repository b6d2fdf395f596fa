// Webex webhook notifications: the envelope every webhook shares, the `data` of the resources this service
// registers for, and what each notification means for a meeting. Pure: no I/O, times come in as arguments.
import { z } from 'zod';
import type { ProviderEvent } from '../events';
import { externalIdSchema } from '../ids';
import type { LifecycleEvent } from '../lifecycle';
import { providerTimestampSchema } from '../timestamps';
import { parseWebexMeetingId } from './ids';

/** Resource and event pairs this service acts on; any other is answered 202 `{ignored: true}`. */
export const WEBEX_EVENTS = {
  meetings: ['created', 'updated', 'started', 'ended', 'deleted'],
  recordings: ['created'],
  meetingTranscripts: ['created'],
} as const;
export type WebexResource = keyof typeof WEBEX_EVENTS;

/** The notification envelope (Webex's Webhook object plus `data`); unknown fields are kept. */
export const webexEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  resource: z.string().min(1),
  event: z.string().min(1),
  orgId: z.string().optional(),
  createdBy: z.string().optional(),
  appId: z.string().optional(),
  actorId: z.string().optional(),
  created: z.string().optional(),
  data: z.looseObject({ id: z.string().min(1) }),
});

// A bad provider timestamp must not lose the event: an unreadable string or number is kept as it came (the
// meeting places the event at its receipt, with a note); anything else is dropped, the event kept.
const optionalTimestamp = providerTimestampSchema.optional().catch(undefined);

export const webexMeetingDataSchema = z.looseObject({
  id: z.string().min(1).max(128),
  meetingSeriesId: z.string().optional(),
  scheduledMeetingId: z.string().optional(),
  title: z.string().max(500).optional(),
  state: z.string().optional(),
  start: optionalTimestamp,
  end: optionalTimestamp,
  hostEmail: z.string().optional(),
  siteUrl: z.string().optional(),
});

export const webexRecordingDataSchema = z.looseObject({
  id: z.string().min(1),
  meetingId: externalIdSchema,
  topic: z.string().max(500).optional(),
  createTime: optionalTimestamp,
});

export const webexTranscriptDataSchema = z.looseObject({
  id: z.string().min(1),
  meetingId: externalIdSchema,
  meetingTopic: z.string().max(500).optional(),
  startTime: optionalTimestamp,
});

export const webexWebhookSchema = z.discriminatedUnion('resource', [
  webexEnvelopeSchema.extend({
    resource: z.literal('meetings'),
    event: z.enum(WEBEX_EVENTS.meetings),
    data: webexMeetingDataSchema,
  }),
  webexEnvelopeSchema.extend({
    resource: z.literal('recordings'),
    event: z.enum(WEBEX_EVENTS.recordings),
    data: webexRecordingDataSchema,
  }),
  webexEnvelopeSchema.extend({
    resource: z.literal('meetingTranscripts'),
    event: z.enum(WEBEX_EVENTS.meetingTranscripts),
    data: webexTranscriptDataSchema,
  }),
]);
export type WebexWebhook = z.infer<typeof webexWebhookSchema>;

/** Whether the service acts on this resource and event (else: 202 ignored). */
export function isKnownWebexEvent(resource: string, event: string): boolean {
  const events: readonly string[] | undefined = WEBEX_EVENTS[resource as WebexResource];
  return events?.includes(event) ?? false;
}

/** What one notification asks of the service. */
export type WebexAction =
  | { action: 'signal'; event: ProviderEvent }
  /** A series or scheduled meeting was created: turn on its automatic recording (when configured). */
  | { action: 'auto_record'; meetingId: string }
  | { action: 'ignore'; reason: string };

const MEETING_KINDS: Record<(typeof WEBEX_EVENTS.meetings)[number], LifecycleEvent> = {
  created: 'scheduled',
  updated: 'scheduled',
  started: 'in_call',
  ended: 'ended',
  deleted: 'unknown',
};

/**
 * The action for a validated notification. Meeting workflows are per instance (`_I_` id), so a
 * notification about a series or a scheduled occurrence is not a meeting's event: `created` may turn on
 * auto-record, anything else is ignored with the reason. Webex sends no delivery id: the dedupe key is
 * resource, event and `data.id`. The notification's `data` stays out of the event: it carries what the
 * meeting workflow must never hold (meeting and recording passwords, tokenised links).
 */
export function webexAction(webhook: WebexWebhook, receivedAt: string): WebexAction {
  const dedupeKey = `${webhook.resource}:${webhook.event}:${webhook.data.id}`;
  const code = `${webhook.resource}.${webhook.event}`;
  const base = { provider: 'webex', code, receivedAt, source: 'webhook', dedupeKey } as const;

  if (webhook.resource === 'meetings') {
    const { data } = webhook;
    const id = parseWebexMeetingId(data.id);
    if (id?.kind !== 'instance') {
      if (webhook.event === 'created' && id) return { action: 'auto_record', meetingId: data.id };
      return {
        action: 'ignore',
        reason: `${code} names ${id ? `a ${id.kind} meeting` : 'no Webex meeting id'} (${data.id}); meetings are followed per instance (an id with _I_)`,
      };
    }
    const occurredAt =
      webhook.event === 'started' ? data.start : webhook.event === 'ended' ? data.end : undefined;
    return {
      action: 'signal',
      event: {
        ...base,
        externalId: data.id,
        kind: MEETING_KINDS[webhook.event],
        occurredAt,
        title: data.title,
        ...(webhook.event === 'deleted' ? { note: 'the meeting was deleted in Webex' } : {}),
      },
    };
  }

  const { data } = webhook;
  if (parseWebexMeetingId(data.meetingId)?.kind !== 'instance') {
    return { action: 'ignore', reason: `${code} names meeting ${data.meetingId}, not a meeting instance` };
  }
  const asset =
    webhook.resource === 'recordings'
      ? { what: 'a recording', occurredAt: webhook.data.createTime, title: webhook.data.topic }
      : // A transcript's startTime is the meeting's start, not when it was published: no event time.
        { what: 'a transcript', occurredAt: undefined, title: webhook.data.meetingTopic };
  return {
    action: 'signal',
    event: {
      ...base,
      externalId: data.meetingId,
      kind: 'asset_published',
      occurredAt: asset.occurredAt,
      title: asset.title,
      note: `Webex published ${asset.what} (${data.id})`,
    },
  };
}
