// Meeting BaaS v1 status codes (domain/meetingbaas/v1.ts V1_STATUS_CODES): each one takes a meeting where
// the design says.
import { decide, type MeetingStatus } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { V1_STATUS_CODES } from '../../domain/meetingbaas/v1';
import { BOT, statusChange, toEvent, DESIGN, SEED_CODES } from './meetingbaas-v1-fixtures';

describe('v1 status codes', () => {
  test('V1_STATUS_CODES knows exactly the codes of the seed documentation', () => {
    expect(Object.keys(V1_STATUS_CODES).sort()).toEqual([...SEED_CODES].sort());
  });

  test.each(SEED_CODES)('%s from a fresh meeting (scheduled) goes where the design says', (code) => {
    const known = V1_STATUS_CODES[code]!;
    expect(decide({ status: 'scheduled', admission: 'unknown' }, known.kind).next.status).toBe(
      DESIGN[code]!.status,
    );
    expect(known.endReason).toBe(DESIGN[code]!.endReason);

    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange(code, '2024-01-01T12:00:00.000Z')))).toBe('applied');
    expect(meeting.status).toBe(DESIGN[code]!.status);
    expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  // From `recording` the meeting may only stay, pause, or end: going back is not applied.
  const FROM_RECORDING: Array<[string, MeetingStatus, boolean]> = [
    ['joining_call', 'recording', false],
    ['in_waiting_room', 'recording', false],
    ['in_call_not_recording', 'recording', false],
    ['in_call_recording', 'recording', true],
    ['recording_paused', 'paused', true],
    ['recording_resumed', 'recording', true],
    ['call_ended', 'ended', true],
    ['bot_rejected', 'ended', true],
    ['bot_removed', 'ended', true],
    ['waiting_room_timeout', 'ended', true],
    ['invalid_meeting_url', 'ended', true],
    ['meeting_error', 'ended', true],
  ];

  test('the from-recording table covers every seed code', () => {
    expect(FROM_RECORDING.map(([code]) => code).sort()).toEqual([...SEED_CODES].sort());
  });

  test.each(FROM_RECORDING)('%s while recording -> %s (applied: %s)', (code, status, applied) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2024-01-01T12:00:00.000Z')));
    expect(meeting.status).toBe('recording');

    const outcome = meeting.apply(toEvent(statusChange(code, '2024-01-01T12:05:00.000Z')));
    expect(outcome).toBe(applied ? 'applied' : 'recorded');
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.at(-1)).toMatchObject({ code, applied, status });
    if (applied) expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  test.each([
    ['recording_paused', 'recording_resumed', 'recording'],
    ['recording_paused', 'call_ended', 'ended'],
    ['recording_resumed', 'recording_paused', 'paused'],
  ] as const)('paused/resumed: recording, %s, %s -> %s', (first, second, status) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2024-01-01T12:00:00.000Z')));
    meeting.apply(toEvent(statusChange(first, '2024-01-01T12:01:00.000Z')));
    meeting.apply(toEvent(statusChange(second, '2024-01-01T12:02:00.000Z')));
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.every((h) => h.applied)).toBe(true);
  });
});
