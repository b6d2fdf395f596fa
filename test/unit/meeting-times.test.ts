// When the meeting started and ended: `startedAt`, `endedAt` (domain/meeting.ts).
import {
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
  botRejected,
  meetingError,
  fresh,
} from './meeting-fixtures';

test('endedAt is the earliest end time, even when the earlier end event arrives late (and stale)', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(callEnded(t(30)));
  expect(m.view.endedAt).toBe(t(30));
  // meeting_error happened at :20 but is delivered after call_ended: stale, yet it dates the end.
  expect(m.apply(meetingError(t(20)))).toBe('recorded');
  expect(m.view.endedAt).toBe(t(20));
  expect(m.status).toBe('ended');
  // A later end does not move endedAt forward.
  m.apply(status('ended', 'bot_removed', t(40)));
  expect(m.view.endedAt).toBe(t(20));
});

test('endedAt: a call_ended delivered after complete replaces the complete arrival time when earlier', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(50)));
  expect(m.view.endedAt).toBe(t(50));
  expect(m.apply(callEnded(t(45)))).toBe('recorded');
  expect(m.view.endedAt).toBe(t(45));
  expect(m.status).toBe('collecting');
});

test.each([
  ['in_call first', [inCall(t(2)), recording(t(3))], t(2)],
  ['recording first (no in_call)', [recording(t(3)), paused(t(4)), resumed(t(5))], t(3)],
  ['after joining and waiting room', [joining(t(0)), waiting(t(1)), recording(t(7))], t(7)],
])('startedAt is the time of the first in_call/recording: %s', (_name, events, expected) => {
  const m = fresh();
  for (const e of events) m.apply(e);
  expect(m.view.startedAt).toBe(expected);
});

test('startedAt stays unset when the bot never got in', () => {
  const m = fresh();
  m.apply(joining(t(0)));
  m.apply(waiting(t(1)));
  m.apply(botRejected(t(11)));
  expect(m.view.startedAt).toBeUndefined();
});
