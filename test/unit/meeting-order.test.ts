// Events out of order: stale ones recorded, not applied (unless they move the meeting forward), and
// provider timestamps taken as evidence, not law (domain/meeting.ts, domain/provider-time.ts).
import type { LifecycleEvent } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { isSearchableDate } from '../../domain/provider-time';
import { meetingViewSchema } from '../../domain/view';
import {
  BOT,
  t,
  status,
  complete,
  joining,
  waiting,
  inCall,
  recording,
  paused,
  resumed,
  callEnded,
  archived,
  fresh,
} from './meeting-fixtures';

test('a stale event (older than the newest applied) is recorded, not applied, with a note', () => {
  const m = fresh();
  m.apply(recording(t(5)));
  // paused would be a valid step from recording, but it happened before the recording we applied.
  expect(m.apply(paused(t(4)))).toBe('recorded');
  expect(m.status).toBe('recording');
  const last = m.view.history.at(-1)!;
  expect(last).toMatchObject({ code: 'recording_paused', applied: false, status: 'recording', at: t(4) });
  expect(last.note).toMatch(/older than the current state/);
});

test('a stale event that moves the meeting forward is applied: what time order would have given', () => {
  const m = fresh();
  m.apply(joining(t(5)));
  // In time order: waiting_room (4) then joining (5), which the table refuses: the meeting is in the waiting room.
  expect(m.apply(waiting(t(4)))).toBe('applied');
  expect(m.status).toBe('waiting_room');
  expect(m.view.history.at(-1)).toMatchObject({ code: 'in_waiting_room', applied: true, at: t(4) });
  // The newest time seen stays the bar for sideways moves.
  m.apply(recording(t(6)));
  expect(m.apply(paused(t(5, 30)))).toBe('recorded');
  expect(m.status).toBe('recording');
});

test('an event with the same timestamp as the newest applied one is not stale', () => {
  const m = fresh();
  m.apply(joining(t(5)));
  expect(m.apply(waiting(t(5)))).toBe('applied');
  expect(m.status).toBe('waiting_room');
});

test('out of order: call_ended arrives before an older in_call_recording -> ended, the late one not applied', () => {
  const m = fresh();
  m.apply(inCall(t(1)));
  expect(m.apply(callEnded(t(30)))).toBe('applied');
  expect(m.apply(recording(t(2)))).toBe('recorded');
  expect(m.status).toBe('ended');
  expect(m.view.history.map((h) => [h.code, h.applied])).toEqual([
    ['in_call_not_recording', true],
    ['call_ended', true],
    ['in_call_recording', false],
  ]);
  expect(m.view.history.at(-1)!.note).toEqual(expect.any(String));
  expect(m.view.history.at(-1)!.status).toBe('ended');
});

describe('provider timestamps are evidence, not law', () => {
  const RECEIVED = t(10);
  /** A status whose provider timestamp is `occurredAt`, received at `receivedAt`. */
  const odd = (kind: LifecycleEvent, code: string, occurredAt: string, receivedAt = RECEIVED) =>
    status(kind, code, occurredAt, { receivedAt, dedupeKey: `status:${code}:${occurredAt}:${receivedAt}` });

  test.each([
    ['an offset past year 9999', '9999-12-31T23:59:59-23:59', /not a readable date/],
    ['garbage', 'not a date', /not a readable date/],
    ['year 0', '0000-01-01T00:00:00Z', /not a readable date/],
    ['year 1', '0001-01-01T00:00:00.000Z', /not a readable date/],
    ['the last date JavaScript knows', '+275760-09-13T00:00:00.000Z', /not a readable date/],
    ['past it', '275761-01-01T00:00:00Z', /not a readable date/],
    ['a number', '1704110400000', /not a readable date/],
    ['an empty string', '', /not a readable date/],
    ['February 30', '2024-02-30T12:00:00Z', /not a readable date/],
    ['the year 9999', '9999-12-31T23:59:59Z', /years ahead of its receipt/],
    ['an hour ahead', t(70), /60 minutes ahead of its receipt/],
  ])('%s (%j): placed at its receipt with a note, and the meeting goes on', (_name, occurredAt, note) => {
    const m = fresh();
    expect(m.apply(odd('joining', 'joining_call', occurredAt))).toBe('applied');
    expect(m.view.history[0]).toMatchObject({
      at: RECEIVED,
      applied: true,
      note: expect.stringMatching(note),
    });
    expect(m.view.history[0]!.note).toContain(JSON.stringify(occurredAt.slice(0, 64)));
    // Later real events are not "older than the current state".
    expect(m.apply(waiting(t(11)))).toBe('applied');
    expect(m.apply(inCall(t(12)))).toBe('applied');
    expect(m.apply(odd('ended', 'call_ended', occurredAt, t(20)))).toBe('applied');
    expect(m.view.endedAt).toBe(t(20));
    expect(isSearchableDate(m.view.endedAt)).toBe(true);
    m.apply(complete(t(21)));
    m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
    expect(m.status).toBe('completed');
    expect(meetingViewSchema.parse(m.view)).toEqual(m.view);
  });

  test.each([
    ['an offset', '2024-01-01T12:10:00+02:00', '2024-01-01T10:10:00.000Z'],
    ['no offset (UTC)', '2024-01-01T12:10:00', t(10)],
    ['4 minutes ahead of its receipt (a fast clock)', t(14), t(14)],
    ['far in the past', '2001-01-01T00:00:00Z', '2001-01-01T00:00:00.000Z'],
  ])('%s: the provider time is used', (_name, occurredAt, at) => {
    const m = fresh();
    m.apply(odd('joining', 'joining_call', occurredAt));
    expect(m.view.history[0]).toEqual(expect.objectContaining({ at, applied: true }));
    expect(m.view.history[0]!.note).toBeUndefined();
  });

  test('a first event far in the past: later events are newer, the meeting progresses', () => {
    const m = fresh();
    m.apply(odd('joining', 'joining_call', '2001-01-01T00:00:00Z'));
    for (const e of [waiting(t(11)), recording(t(12)), paused(t(13)), resumed(t(14)), callEnded(t(15))])
      expect(m.apply(e)).toBe('applied');
    expect(m.status).toBe('ended');
  });

  test('a first event ahead of later real ones (within the 5 minutes): it never freezes the meeting', () => {
    const m = fresh();
    m.apply(odd('joining', 'joining_call', t(14), t(10))); // 4 minutes fast
    for (const e of [waiting(t(11)), inCall(t(11, 30)), recording(t(12)), callEnded(t(13))])
      expect(m.apply(e)).toBe('applied');
    expect(m.status).toBe('ended');
    expect(m.apply(complete(t(13, 30)))).toBe('applied');
    expect(m.status).toBe('collecting');
  });

  test('an event far in the past after real ones: recorded as older, yet it can still move the meeting forward', () => {
    const m = fresh();
    m.apply(recording(t(5)));
    expect(m.apply(odd('paused', 'recording_paused', '2001-01-01T00:00:00Z'))).toBe('recorded');
    expect(m.view.history.at(-1)!.note).toMatch(/older than the current state/);
    expect(m.apply(odd('ended', 'call_ended', '2001-01-01T00:01:00Z'))).toBe('applied');
    expect(m.status).toBe('ended');
    // ...and it dates the end, as provider evidence: a real date, if an odd one.
    expect(m.view.endedAt).toBe('2001-01-01T00:01:00.000Z');
  });

  test('before provider-time-evidence, a far-future first event froze the meeting (what this rule fixes)', () => {
    const m = new Meeting('meetingbaas', BOT, { applies: () => false });
    m.apply(odd('joining', 'joining_call', '2999-01-01T00:00:00.000Z'));
    expect(m.apply(waiting(t(11)))).toBe('recorded');
    expect(m.status).toBe('joining');
    // With the new rules, the same events move on.
    const now = fresh();
    now.apply(odd('joining', 'joining_call', '2999-01-01T00:00:00.000Z'));
    expect(now.apply(waiting(t(11)))).toBe('applied');
  });
});
