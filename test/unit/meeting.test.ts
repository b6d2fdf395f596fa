import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { LifecycleEvent } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { meetingViewSchema } from '../../domain/view';

const BOT = 'bot-1';
const RECORDING_URL = 'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4?X-Amz-Signature=abc';
const PAYLOAD_REF = {
  uri: 'file:///archive/inbox/meetingbaas/bot-1/x.json',
  bytes: 10,
  sha256: 'b'.repeat(64),
};

const t = (minute: number, second = 0) => new Date(Date.UTC(2024, 0, 1, 12, minute, second)).toISOString(); // 2024-01-01T12:mm:ss.000Z

/** A status change as the API would normalise it (kind written by hand, not looked up). */
function status(
  kind: LifecycleEvent,
  code: string,
  occurredAt: string,
  extra: Partial<ProviderEvent> = {},
): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind,
    code,
    occurredAt,
    receivedAt: occurredAt,
    source: 'webhook',
    dedupeKey: `status:${code}:${occurredAt}`,
    ...extra,
  });
}

function complete(
  receivedAt: string,
  { url = RECORDING_URL, transcript = true }: { url?: string | null; transcript?: boolean } = {},
): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind: 'final_data',
    code: 'complete',
    receivedAt,
    source: 'webhook',
    dedupeKey: 'complete',
    ...(url ? { recording: { url, urlExpiresAt: '2024-01-01T15:00:00.000Z' } } : {}),
    hasTranscript: transcript,
    ...(transcript ? { payloadRef: PAYLOAD_REF } : {}),
  });
}

function failed(receivedAt: string, error?: { code: string; message: string }): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind: 'final_failure',
    code: 'failed',
    receivedAt,
    source: 'webhook',
    dedupeKey: `failed:${error?.code ?? 'none'}`,
    ...(error ? { error } : {}),
  });
}

const joining = (at: string) => status('joining', 'joining_call', at);
const waiting = (at: string) => status('waiting_room', 'in_waiting_room', at);
const inCall = (at: string) => status('in_call', 'in_call_not_recording', at);
const recording = (at: string) => status('recording', 'in_call_recording', at);
const paused = (at: string) => status('paused', 'recording_paused', at);
const resumed = (at: string) => status('recording', 'recording_resumed', at);
const callEnded = (at: string) => status('ended', 'call_ended', at);
const botRejected = (at: string) =>
  status('ended_unadmitted', 'bot_rejected', at, { endReason: 'bot_rejected' });
const meetingError = (at: string) => status('ended', 'meeting_error', at, { endReason: 'meeting_error' });

const archived = (name: string) => ({
  status: 'archived' as const,
  archive: { uri: `file:///archive/meetingbaas/bot-1/${name}`, bytes: 100, sha256: 'c'.repeat(64) },
});

const fresh = () => new Meeting('meetingbaas', BOT);

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

test('a duplicate (same dedupe key) is reported as such and recorded once', () => {
  const m = fresh();
  expect(m.apply(joining(t(0)))).toBe('applied');
  expect(m.apply(joining(t(0)))).toBe('duplicate');
  expect(m.view.history).toHaveLength(1);
});

test('a duplicate is recognised by its dedupe key, even when delivered with another receivedAt', () => {
  const m = fresh();
  m.apply(complete(t(10)));
  expect(m.apply(complete(t(11)))).toBe('duplicate');
  expect(m.view.history).toHaveLength(1);
});

test('a duplicate of an event that was not applied stays a single history entry', () => {
  const m = fresh();
  m.apply(recording(t(5)));
  const late = joining(t(1));
  expect(m.apply(late)).toBe('recorded');
  expect(m.apply(late)).toBe('duplicate');
  expect(m.view.history).toHaveLength(2);
});

test('a stale event (older than the newest applied) is recorded, not applied, with a note', () => {
  const m = fresh();
  m.apply(joining(t(5)));
  // waiting_room would be a valid forward step from joining, but it happened before the joining we applied.
  expect(m.apply(waiting(t(4)))).toBe('recorded');
  expect(m.status).toBe('joining');
  const last = m.view.history.at(-1)!;
  expect(last).toMatchObject({ code: 'in_waiting_room', applied: false, status: 'joining', at: t(4) });
  expect(last.note).toEqual(expect.any(String));
  expect(last.note!.length).toBeGreaterThan(0);
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

test('complete as the only event -> collecting, then collected -> completed', () => {
  const m = fresh();
  expect(m.apply(complete(t(40)))).toBe('applied');
  expect(m.status).toBe('collecting');
  expect(m.isFinished).toBe(false);
  expect(m.view.recording?.status).toBe('pending');
  expect(m.view.transcript?.status).toBe('pending');
  // No end event: the end is known no later than the arrival of the final data.
  expect(m.view.endedAt).toBe(t(40));

  m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
  expect(m.status).toBe('completed');
  expect(m.view.recording).toEqual(archived('recording.mp4'));
  expect(m.view.transcript).toEqual(archived('transcript.json'));
});

test('complete without recording URL nor transcript: both unavailable, collected({}) completes', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  expect(m.view.recording?.status).toBe('unavailable');
  expect(m.view.recording?.reason).toEqual(expect.any(String));
  expect(m.view.transcript?.status).toBe('unavailable');
  m.collected({});
  expect(m.status).toBe('completed');
});

test('collected while something is still pending keeps the meeting collecting', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(callEnded(t(20)));
  m.apply(complete(t(21)));
  m.collected({ recording: archived('recording.mp4') });
  expect(m.status).toBe('collecting');
  expect(m.view.recording?.status).toBe('archived');
  expect(m.view.transcript?.status).toBe('pending');

  m.collected({ transcript: archived('transcript.json') });
  expect(m.status).toBe('completed');
});

test('collected with the recording still explicitly pending keeps collecting', () => {
  const m = fresh();
  m.apply(complete(t(21)));
  m.collected({ recording: { status: 'pending' }, transcript: archived('transcript.json') });
  expect(m.status).toBe('collecting');
});

test('collected before any final data does not complete a live meeting', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.collected({});
  expect(m.status).toBe('recording');
});

test('bot_rejected then complete -> failed with bot_not_admitted, and never completed', () => {
  const m = fresh();
  m.apply(joining(t(0)));
  m.apply(waiting(t(1)));
  expect(m.apply(botRejected(t(11)))).toBe('applied');
  expect(m.status).toBe('ended');
  expect(m.view.endReason).toBe('bot_rejected');

  expect(m.apply(complete(t(12)))).toBe('applied');
  expect(m.status).toBe('failed');
  expect(m.isFinished).toBe(true);
  expect(m.view.error?.code).toBe('bot_not_admitted');
  expect(m.view.error?.message).toEqual(expect.any(String));

  m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
  expect(m.status).toBe('failed');
  expect(m.view.history.some((h) => h.status === 'completed')).toBe(false);
});

test('bot admitted, then removed, then complete -> collecting (not bot_not_admitted)', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(status('ended', 'bot_removed', t(5), { endReason: 'bot_removed' }));
  m.apply(complete(t(6)));
  expect(m.status).toBe('collecting');
  expect(m.view.error).toBeUndefined();
  expect(m.view.endReason).toBe('bot_removed');
});

test.each([
  ['CannotJoinMeeting', 'The bot could not join.'],
  ['TimeoutWaitingToStart', 'gave up'],
  ['InternalError', 'boom'],
])('failed %s -> failed with error code = the provider error', (code, message) => {
  const m = fresh();
  m.apply(joining(t(0)));
  expect(m.apply(failed(t(3), { code, message }))).toBe('applied');
  expect(m.status).toBe('failed');
  expect(m.isFinished).toBe(true);
  expect(m.view.error).toEqual({ code, message });
  expect(m.view.history.at(-1)).toMatchObject({ code: 'failed', status: 'failed', applied: true });
});

test('failed without error details still sets an error naming the provider code', () => {
  const m = fresh();
  m.apply(failed(t(3)));
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('failed');
  expect(m.view.error?.message).toEqual(expect.any(String));
});

test('after failed, later events are recorded but change nothing', () => {
  const m = fresh();
  m.apply(failed(t(3), { code: 'BotRemoved', message: 'removed' }));
  expect(m.apply(complete(t(4)))).toBe('recorded');
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('BotRemoved');
});

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
