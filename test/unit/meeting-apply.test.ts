// A meeting's events through the lifecycle: the seed sequence, unknown codes, the view's schema, and what
// the service adds to the history (domain/meeting.ts).
import { Meeting } from '../../domain/meeting';
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
  callEnded,
  archived,
  fresh,
} from './meeting-fixtures';

test('a new meeting is scheduled, with an empty history and a workflow id naming provider and id', () => {
  const m = fresh();
  expect(m.status).toBe('scheduled');
  expect(m.isFinished).toBe(false);
  expect(m.view).toMatchObject({ provider: 'meetingbaas', externalId: BOT, history: [] });
  expect(m.view.workflowId).toContain('meetingbaas');
  expect(m.view.workflowId).toContain(BOT);
});

test('the seed sequence: every step applied, statuses in history, then collected -> completed', () => {
  const m = fresh();
  const events = [
    joining(t(0)),
    waiting(t(1)),
    inCall(t(2)),
    recording(t(3)),
    callEnded(t(30)),
    complete(t(31)),
  ];
  expect(events.map((e) => m.apply(e))).toEqual(Array(6).fill('applied'));
  expect(m.view.history.map((h) => [h.code, h.status, h.applied])).toEqual([
    ['joining_call', 'joining', true],
    ['in_waiting_room', 'waiting_room', true],
    ['in_call_not_recording', 'in_call', true],
    ['in_call_recording', 'recording', true],
    ['call_ended', 'ended', true],
    ['complete', 'collecting', true],
  ]);
  expect(m.view.history.map((h) => h.at)).toEqual([t(0), t(1), t(2), t(3), t(30), t(31)]);
  expect(m.view.history.every((h) => h.source === 'webhook')).toBe(true);
  expect(m.status).toBe('collecting');
  expect(m.view.startedAt).toBe(t(2));
  expect(m.view.endedAt).toBe(t(30));
  expect(m.view.recording).toMatchObject({
    status: 'pending',
    sourceUrlExpiresAt: '2024-01-01T15:00:00.000Z',
  });
  expect(m.view.transcript).toMatchObject({ status: 'pending' });
  expect(m.finalData?.code).toBe('complete');

  m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
  expect(m.status).toBe('completed');
  expect(m.isFinished).toBe(true);
  expect(meetingViewSchema.safeParse(m.view).success).toBe(true);
});

test('an unknown code is recorded with applied false and does not move the status', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  expect(m.apply(status('unknown', 'bot_exploded', t(2)))).toBe('recorded');
  expect(m.status).toBe('recording');
  expect(m.view.history.at(-1)).toMatchObject({ code: 'bot_exploded', applied: false, status: 'recording' });
  expect(m.view.history.at(-1)!.note).toEqual(expect.any(String));
  // It does not count as the newest applied event: an event between the two is still applied.
  expect(m.apply(paused(t(1, 30)))).toBe('applied');
  expect(m.status).toBe('paused');
});

test('the view stays valid against the MeetingView schema through a messy sequence', () => {
  const m = fresh();
  for (const e of [
    recording(t(3)),
    joining(t(0)),
    status('unknown', 'mystery', t(4)),
    callEnded(t(30)),
    callEnded(t(30)),
    complete(t(31)),
  ]) {
    m.apply(e);
  }
  expect(meetingViewSchema.safeParse(m.view).success).toBe(true);
  expect(m.view.history).toHaveLength(5);
});

describe('what this service adds to the history', () => {
  test("a bot's own waiting-room timeout is kept from the first event that names it", () => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply({ ...joining(t(0)), waitingRoomTimeoutSeconds: 120 });
    meeting.apply({ ...waiting(t(1)), waitingRoomTimeoutSeconds: 900 });
    expect(meeting.waitingRoomTimeoutSeconds).toBe(120);
  });

  test('a remark is in the history, never applied, and does not move the state', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(recording(t(0)));
    meeting.remark({ at: t(1), code: 'bot_leave_requested', source: 'api', note: 'asked' });
    expect(meeting.status).toBe('recording');
    expect(meeting.view.history.at(-1)).toEqual({
      at: t(1),
      code: 'bot_leave_requested',
      source: 'api',
      status: 'recording',
      applied: false,
      note: 'asked',
    });
  });

  test("an event that is not applied keeps its own note beside the table's reason", () => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(recording(t(0)));
    meeting.apply({ ...status('scheduled', 'bot_requested', t(1)), note: 'bot "N" sent' });
    expect(meeting.view.history.at(-1)!.note).toBe('bot "N" sent; no transition from recording on scheduled');
  });
});
