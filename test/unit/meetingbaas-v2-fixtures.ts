// The Meeting BaaS v2 tests' shared fixtures (test/unit/meetingbaas-v2-*.test.ts): webhook bodies, and the
// status codes as the webhooks page states them.
import path from 'node:path';
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { MeetingStatus } from '../../domain/lifecycle';
import { v2ToProviderEvent, v2WebhookSchema, type V2Webhook } from '../../domain/meetingbaas/v2';

export const OPENAPI = path.resolve(__dirname, '../fixtures/reference/meetingbaas-openapi-v2.schemas.json');
export const BOT = '123e4567-e89b-12d3-a456-426614174000';
export const RECEIVED = '2025-01-15T12:00:00.000Z';
export const REF = { uri: 'file:///archive/inbox/x.json', bytes: 10, sha256: 'a'.repeat(64) };

export function parse(body: unknown): V2Webhook {
  const result = v2WebhookSchema.safeParse(body);
  if (!result.success) throw new Error(`does not parse: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

export let ids = 0;
export const toEvent = (
  body: unknown,
  ctx: Partial<Parameters<typeof v2ToProviderEvent>[1]> = {},
): ProviderEvent =>
  providerEventSchema.parse(
    v2ToProviderEvent(parse(body), { deliveryId: `msg_${++ids}`, receivedAt: RECEIVED, ...ctx }),
  );

export const statusChange = (code: string, createdAt: string, status: Record<string, unknown> = {}) => ({
  event: 'bot.status_change',
  data: { bot_id: BOT, event_id: null, status: { code, created_at: createdAt, ...status } },
  extra: null,
});

export const completed = (data: Record<string, unknown> = {}) => ({
  event: 'bot.completed',
  data: {
    bot_id: BOT,
    event_id: null,
    participants: [{ name: 'Alice', id: 1 }],
    speakers: [
      { name: 'Alice', id: 1 },
      { name: 'Bob', id: 2 },
    ],
    duration_seconds: 3600,
    video: 'https://s3.amazonaws.com/bucket/video.mp4',
    transcription: 'https://s3.amazonaws.com/bucket/transcription.json',
    sent_at: '2025-01-15T11:00:00Z',
    ...data,
  },
  extra: null,
});

// Written from the webhooks page, independently of V2_STATUS_CODES: where each code takes a fresh meeting.
export const DESIGN: Record<string, { status: MeetingStatus; endReason?: string }> = {
  queued: { status: 'scheduled' },
  pickup_delayed: { status: 'scheduled' },
  transcribing: { status: 'ended' },
  completed: { status: 'ended' },
  failed: { status: 'ended' },
  joining_call: { status: 'joining' },
  in_waiting_room: { status: 'waiting_room' },
  in_waiting_for_host: { status: 'waiting_room' },
  in_call_not_recording: { status: 'in_call' },
  in_call_recording: { status: 'recording' },
  recording_paused: { status: 'paused' },
  recording_resumed: { status: 'recording' },
  call_ended: { status: 'ended' },
  recording_succeeded: { status: 'ended' },
  recording_failed: { status: 'ended', endReason: 'recording_failed' },
  api_request_stop: { status: 'ended', endReason: 'api_request_stop' },
  bot_rejected: { status: 'ended', endReason: 'bot_rejected' },
  bot_removed: { status: 'ended', endReason: 'bot_removed' },
  bot_removed_too_early: { status: 'ended', endReason: 'bot_removed_too_early' },
  waiting_room_timeout: { status: 'ended', endReason: 'waiting_room_timeout' },
  invalid_meeting_url: { status: 'ended', endReason: 'invalid_meeting_url' },
  meeting_error: { status: 'ended', endReason: 'meeting_error' },
};
export const DOC_CODES = Object.keys(DESIGN);
