// Meeting BaaS v2 status codes (domain/meetingbaas/v2.ts V2_STATUS_CODES): against the OpenAPI document,
// the SDK and v1, and where each takes a meeting.
import { V2Zod } from '@meeting-baas/sdk';
import fs from 'node:fs';
import { decide, type MeetingStatus } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { V1_STATUS_CODES } from '../../domain/meetingbaas/v1';
import { V2_STATUS_CODES } from '../../domain/meetingbaas/v2';
import { OPENAPI, BOT, toEvent, statusChange, DESIGN, DOC_CODES } from './meetingbaas-v2-fixtures';

describe('v2 status codes', () => {
  test('V2_STATUS_CODES knows exactly the codes of the webhooks page', () => {
    expect(Object.keys(V2_STATUS_CODES).sort()).toEqual([...DOC_CODES].sort());
  });

  test('...which are the OpenAPI bot status enum, and cover the SDK schema', () => {
    const openapi = JSON.parse(fs.readFileSync(OPENAPI, 'utf8')) as {
      components: {
        schemas: Record<string, { properties: { data: { properties: { status: { enum: string[] } } } } }>;
      };
    };
    const enumCodes =
      openapi.components.schemas.GetBotDetailsResponse!.properties.data.properties.status.enum;
    expect([...enumCodes].sort()).toEqual([...DOC_CODES].sort());
    // The SDK's schema (older than the spec: no pickup_delayed) names no code we do not know.
    const sdkCodes = V2Zod.getBotDetailsResponse.shape.data.shape.status.options as string[];
    expect(sdkCodes.filter((c) => !(c in V2_STATUS_CODES))).toEqual([]);
  });

  test('v1 codes keep their v1 meaning', () => {
    for (const [code, meaning] of Object.entries(V1_STATUS_CODES)) {
      expect(V2_STATUS_CODES[code]).toEqual(meaning);
    }
  });

  test('no documented code is "unknown"', () => {
    expect(Object.values(V2_STATUS_CODES).filter((m) => m.kind === 'unknown')).toEqual([]);
  });

  test.each(DOC_CODES)('%s from a fresh meeting (scheduled) goes where the design says', (code) => {
    const known = V2_STATUS_CODES[code]!;
    expect(decide({ status: 'scheduled', admission: 'unknown' }, known.kind).next.status).toBe(
      DESIGN[code]!.status,
    );
    expect(known.endReason).toBe(DESIGN[code]!.endReason);

    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange(code, '2025-01-15T10:00:00Z')))).toBe('applied');
    expect(meeting.status).toBe(DESIGN[code]!.status);
    expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  // From `recording` the meeting may only stay, pause, end or fail: going back is not applied.
  const FROM_RECORDING: Array<[string, MeetingStatus, boolean]> = [
    ['queued', 'recording', false],
    ['pickup_delayed', 'recording', false],
    ['joining_call', 'recording', false],
    ['in_waiting_room', 'recording', false],
    ['in_waiting_for_host', 'recording', false],
    ['in_call_not_recording', 'recording', false],
    ['in_call_recording', 'recording', true],
    ['recording_paused', 'paused', true],
    ['recording_resumed', 'recording', true],
    ['call_ended', 'ended', true],
    ['recording_succeeded', 'ended', true],
    ['transcribing', 'ended', true],
    ['recording_failed', 'ended', true],
    ['api_request_stop', 'ended', true],
    ['bot_rejected', 'ended', true],
    ['bot_removed', 'ended', true],
    ['bot_removed_too_early', 'ended', true],
    ['waiting_room_timeout', 'ended', true],
    ['invalid_meeting_url', 'ended', true],
    ['meeting_error', 'ended', true],
    ['completed', 'ended', true],
    ['failed', 'ended', true],
  ];

  test('the from-recording table covers every documented code', () => {
    expect(FROM_RECORDING.map(([code]) => code).sort()).toEqual([...DOC_CODES].sort());
  });

  test.each(FROM_RECORDING)('%s while recording -> %s (applied: %s)', (code, status, applied) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2025-01-15T10:00:00Z')));
    const outcome = meeting.apply(toEvent(statusChange(code, '2025-01-15T10:05:00Z')));
    expect(outcome).toBe(applied ? 'applied' : 'recorded');
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.at(-1)).toMatchObject({ code, applied, status });
  });

  test('pickup_delayed is recorded with an informational note, not as an unknown code', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('queued', '2025-01-15T10:00:00Z')));
    meeting.apply(toEvent(statusChange('pickup_delayed', '2025-01-15T10:03:00Z')));
    expect(meeting.view.history[1]).toMatchObject({
      code: 'pickup_delayed',
      status: 'scheduled',
      applied: true,
    });
    expect(meeting.view.history[1]!.note).toMatch(/informational/);
  });

  test('recording_failed keeps its error_message as the note', () => {
    const event = toEvent(
      statusChange('recording_failed', '2025-01-15T10:00:00Z', { error_message: 'no audio' }),
    );
    expect(event).toMatchObject({ kind: 'ended', endReason: 'recording_failed', note: 'no audio' });
  });

  test('status failed ends the call; bot.failed then fails the meeting with the real error code', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    const status = toEvent(statusChange('failed', '2025-01-15T10:00:00Z'));
    expect(status).toMatchObject({ kind: 'ended', note: expect.stringMatching(/bot\.failed/) });
    meeting.apply(status);
    expect(meeting.status).toBe('ended');
    meeting.apply(
      toEvent({
        event: 'bot.failed',
        data: {
          bot_id: BOT,
          event_id: null,
          error_code: 'BOT_NOT_ACCEPTED',
          error_message: 'denied',
          sent_at: '2025-01-15T10:00:05Z',
        },
        extra: null,
      }),
    );
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error).toEqual({ code: 'BOT_NOT_ACCEPTED', message: 'denied' });
  });

  test('an unknown code is recorded, never rejected', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange('bot_teleported', '2025-01-15T10:00:00Z')))).toBe('recorded');
    expect(meeting.view.history[0]).toMatchObject({ code: 'bot_teleported', applied: false });
  });
});
