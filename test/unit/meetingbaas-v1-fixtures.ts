// The Meeting BaaS v1 tests' shared fixtures (test/unit/meetingbaas-v1-*.test.ts): the seed's examples,
// webhook bodies, and the status codes as the design states them.
import fs from 'node:fs';
import path from 'node:path';
import type { ProviderEvent } from '../../domain/events';
import type { MeetingStatus } from '../../domain/lifecycle';
import { v1ToProviderEvent, v1WebhookSchema, type V1Webhook } from '../../domain/meetingbaas/v1';

export const FIXTURES = path.resolve(__dirname, '../fixtures/meetingbaas-v1');
export const SEED = path.resolve(__dirname, '../fixtures/seeds/meetingbaas-v1-getting-the-data.txt');
export const BOT = '123e4567-e89b-12d3-a456-426614174000';
export const RECEIVED = '2024-01-01T13:00:00.000Z';

export const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
export const clone = <T>(x: T): T => structuredClone(x);

export function parse(body: unknown): V1Webhook {
  const result = v1WebhookSchema.safeParse(body);
  if (!result.success) throw new Error(`does not parse: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

export const statusChange = (code: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  event: 'bot.status_change',
  data: { bot_id: BOT, status: { code, created_at: createdAt, ...extra } },
});

export const toEvent = (
  body: unknown,
  ctx: Partial<Parameters<typeof v1ToProviderEvent>[1]> = {},
): ProviderEvent => v1ToProviderEvent(parse(body), { receivedAt: RECEIVED, ...ctx });

// Written from the design, independently of V1_STATUS_CODES.
export const DESIGN: Record<string, { status: MeetingStatus; endReason?: string }> = {
  joining_call: { status: 'joining' },
  in_waiting_room: { status: 'waiting_room' },
  in_call_not_recording: { status: 'in_call' },
  in_call_recording: { status: 'recording' },
  recording_paused: { status: 'paused' },
  recording_resumed: { status: 'recording' },
  call_ended: { status: 'ended' },
  bot_rejected: { status: 'ended', endReason: 'bot_rejected' },
  bot_removed: { status: 'ended', endReason: 'bot_removed' },
  waiting_room_timeout: { status: 'ended', endReason: 'waiting_room_timeout' },
  invalid_meeting_url: { status: 'ended', endReason: 'invalid_meeting_url' },
  meeting_error: { status: 'ended', endReason: 'meeting_error' },
};
export const SEED_CODES = Object.keys(DESIGN);
