// Webex webhook notifications: the envelope of the registered webhook around the resource's data, signed
// with `X-Spark-Signature` = hex HMAC-SHA1(webhook secret, exact body bytes).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  instanceShape,
  meetingNumber,
  recordingObject,
  SIM_ORG_ID,
  SIM_WEBEX_SITE,
  sparkId,
  transcriptObject,
} from './bodies';
import { webexTime, type WebexMeeting } from './scenario';

export const SIM_WEBEX_WEBHOOK_SECRET = 'sim-webex-webhook-secret';

export const webexResourceSchema = z.enum(['meetings', 'recordings', 'meetingTranscripts']);
export const webexEventSchema = z.enum(['created', 'updated', 'deleted', 'started', 'ended']);
export type WebexResource = z.infer<typeof webexResourceSchema>;
export type WebexEvent = z.infer<typeof webexEventSchema>;

export interface WebexWebhookOptions {
  /** Which id `data.id` of a `meetings` event carries; default instance for started/ended, else series. */
  idKind?: 'series' | 'scheduled' | 'instance';
  /** The recording of a `recordings` event; default the first. */
  recordingId?: string;
  targetUrl?: string;
  /** Base of the transcript download links (`<sim>/webex/v1`); default Webex's. */
  apiBaseUrl?: string;
}

export function signWebexBody(raw: string | Buffer, secret: string): string {
  return createHmac('sha1', secret).update(raw).digest('hex');
}

const MEETING_STATE: Record<WebexEvent, string> = {
  created: 'scheduled',
  updated: 'scheduled',
  deleted: 'deleted',
  started: 'inProgress',
  ended: 'ended',
};

function meetingData(m: WebexMeeting, event: WebexEvent, idKind: WebexWebhookOptions['idKind']) {
  const kind = idKind ?? (event === 'started' || event === 'ended' ? 'instance' : 'series');
  const id = { series: m.meetingSeriesId, scheduled: m.scheduledMeetingId, instance: m.meetingId }[kind];
  const shape = instanceShape(m);
  return {
    id,
    ...(kind !== 'series' ? { meetingSeriesId: m.meetingSeriesId } : {}),
    ...(kind === 'instance' ? { scheduledMeetingId: m.scheduledMeetingId } : {}),
    meetingNumber: meetingNumber(m.meetingSeriesId),
    title: shape.title,
    meetingType: 'meeting',
    state: MEETING_STATE[event],
    timezone: 'UTC',
    start: webexTime(m.startMs),
    end: webexTime(m.endMs),
    hostUserId: sparkId('PEOPLE', m.hostEmail),
    hostEmail: m.hostEmail,
    siteUrl: SIM_WEBEX_SITE,
    orgId: SIM_ORG_ID,
  };
}

function resourceData(
  m: WebexMeeting,
  resource: WebexResource,
  event: WebexEvent,
  opts: WebexWebhookOptions,
) {
  if (resource === 'meetings') return meetingData(m, event, opts.idKind);
  if (resource === 'recordings') {
    const r = opts.recordingId ? m.recordings.find((x) => x.id === opts.recordingId) : m.recordings[0];
    if (!r) throw new Error(`meeting ${m.meetingId} has no recording ${opts.recordingId ?? ''}`.trim());
    return { ...recordingObject(m, r), orgId: SIM_ORG_ID };
  }
  return { ...transcriptObject(m, opts.apiBaseUrl ?? 'https://webexapis.com/v1'), orgId: SIM_ORG_ID };
}

/** The notification Webex POSTs to a webhook's targetUrl (the shape of the seed document's example). */
export function webexWebhookBody(
  meeting: WebexMeeting,
  resource: WebexResource,
  event: WebexEvent,
  opts: WebexWebhookOptions = {},
) {
  const webhookKey = `${resource}:${event}`;
  return {
    id: sparkId('WEBHOOK', webhookKey),
    name: `Simulated ${resource} ${event} webhook`,
    targetUrl: opts.targetUrl ?? 'https://example.com/webhooks/webex',
    resource,
    event,
    orgId: SIM_ORG_ID,
    createdBy: sparkId('PEOPLE', 'integration-admin'),
    appId: sparkId('APPLICATION', 'simulator'),
    ownedBy: 'creator',
    status: 'active',
    created: new Date(Date.UTC(2024, 0, 1)).toISOString(),
    actorId: sparkId('PEOPLE', meeting.hostEmail),
    data: resourceData(meeting, resource, event, opts),
  };
}
