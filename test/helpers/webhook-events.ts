// Provider events as the API makes them of the providers' webhooks (the same parsing and normalising code),
// received at a given time: the server's skipped clock in workflow tests. No HTTP, no archive: a `complete`
// gets a claim check that names a body nobody reads (the activities that would are stubbed).
import type { ProviderEvent } from '../../domain/events';
import { v1ToProviderEvent, v1WebhookSchema } from '../../domain/meetingbaas/v1';
import { webexAction, webexWebhookSchema } from '../../domain/webex/webhook';
import { fakeArchiveRef } from './stub-provider';

const iso = (ms: number) => new Date(ms).toISOString();

/** A v1 `bot.status_change` webhook (`joining_call`, `in_waiting_room`, `in_call_recording`, `call_ended`...). */
export function meetingBaasStatus(botId: string, code: string, atMs: number): ProviderEvent {
  const webhook = v1WebhookSchema.parse({
    event: 'bot.status_change',
    data: { bot_id: botId, status: { code, created_at: iso(atMs) } },
  });
  return v1ToProviderEvent(webhook, { receivedAt: iso(atMs) });
}

/** A v1 `complete` webhook with a recording (its signed URL valid 4 hours) and a transcript. */
export function meetingBaasComplete(botId: string, atMs: number): ProviderEvent {
  const webhook = v1WebhookSchema.parse({
    event: 'complete',
    data: {
      bot_id: botId,
      mp4: `https://bucket.s3.amazonaws.com/${botId}.mp4?X-Amz-Date=20260101T000000Z&X-Amz-Expires=14400&X-Amz-Signature=abc`,
      speakers: ['Alice', 'Bob'],
      transcript: [{ speaker: 'Alice', words: [{ start: 0, end: 1, word: 'hello' }] }],
    },
  });
  return v1ToProviderEvent(webhook, {
    receivedAt: iso(atMs),
    payloadRef: fakeArchiveRef(`inbox/meetingbaas/${botId}/complete.json`),
    recordingUrlExpiresAt: iso(atMs + 4 * 3600_000),
  });
}

/** A Webex instance id (`<series>_I_<digits>`): meeting workflows follow instances. */
export function webexInstanceId(name: string): string {
  return `${name.replace(/[^A-Za-z0-9-]/g, '-')}_I_${Date.now()}`;
}

function webexEvent(body: unknown, atMs: number): ProviderEvent {
  const action = webexAction(webexWebhookSchema.parse(body), iso(atMs));
  if (action.action !== 'signal') throw new Error(`the webhook is not a meeting's event: ${action.action}`);
  return action.event;
}

/** A `meetings` webhook of a meeting instance (`started`, `ended`). */
export function webexMeeting(meetingId: string, event: 'started' | 'ended', atMs: number): ProviderEvent {
  return webexEvent(
    {
      id: `hook-${event}`,
      resource: 'meetings',
      event,
      data: {
        id: meetingId,
        title: 'Weekly sync',
        ...(event === 'started' ? { start: iso(atMs) } : { end: iso(atMs) }),
      },
    },
    atMs,
  );
}

/** A `recordings` or `meetingTranscripts` `created` webhook: Webex published an asset of the meeting. */
export function webexAssetCreated(
  meetingId: string,
  resource: 'recordings' | 'meetingTranscripts',
  assetId: string,
  atMs: number,
): ProviderEvent {
  return webexEvent(
    { id: `hook-${resource}`, resource, event: 'created', data: { id: assetId, meetingId } },
    atMs,
  );
}
