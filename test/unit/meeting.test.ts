import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { LifecycleEvent } from '../../domain/lifecycle';
import { V2_STATUS_CODES } from '../../domain/meetingbaas/v2';
import { Meeting, type MeetingRule } from '../../domain/meeting';
import { isSearchableDate } from '../../domain/provider-time';
import { meetingViewSchema, type RecordingView, type TranscriptView } from '../../domain/view';

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

test('complete without recording URL nor transcript: both unavailable, collected({}) fails no_assets', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  expect(m.view.recording?.status).toBe('unavailable');
  expect(m.view.recording?.reason).toEqual(expect.any(String));
  expect(m.view.transcript?.status).toBe('unavailable');
  expect(m.nothingArchived).toBe(true);
  m.collected({});
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('no_assets');
  expect(m.view.error?.message).toMatch(
    /^nothing could be archived \(recording: the final data has no recording URL; transcript: /,
  );
});

test('nothing archived, before the transient-not-verdict rule: completed (old histories replay)', () => {
  const asked: string[] = [];
  const m = new Meeting('meetingbaas', BOT, {
    applies: (rule) => {
      asked.push(rule);
      return rule !== 'transient-not-verdict';
    },
  });
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  m.collected({});
  expect(m.status).toBe('completed');
  expect(asked).toContain('transient-not-verdict');
});

test('nothing archived by a bot never admitted: bot_not_admitted, not no_assets', () => {
  const m = fresh();
  m.apply(status('joining', 'joining_call', t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  m.collected({});
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('bot_not_admitted');
});

test('one asset archived is enough: completed', () => {
  const m = fresh();
  m.apply(recording(t(1)));
  m.apply(complete(t(40), { transcript: false }));
  m.retrying('recording', 'recording: retrying, archive full (ENOSPC)');
  expect(m.view.recording).toMatchObject({
    status: 'pending',
    reason: 'recording: retrying, archive full (ENOSPC)',
  });
  m.collected({ recording: archived('recording.mp4') });
  expect(m.status).toBe('completed');
  expect(m.view.recording?.reason).toBeUndefined();
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

  // The final data is collected first: it could show the bot was in after all.
  expect(m.apply(complete(t(12)))).toBe('applied');
  expect(m.status).toBe('collecting');

  m.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
  expect(m.status).toBe('failed');
  expect(m.isFinished).toBe(true);
  expect(m.view.error?.code).toBe('bot_not_admitted');
  expect(m.view.error?.message).toEqual(expect.any(String));
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

describe('never admitted means never admitted, whatever the end code', () => {
  // Every end code Meeting BaaS has (v2's list holds v1's), with the kind it is mapped to.
  const END_CODES = Object.entries(V2_STATUS_CODES)
    .filter(([, meaning]) => meaning.kind === 'ended' || meaning.kind === 'ended_unadmitted')
    .map(([code, meaning]) => [code, meaning.kind, meaning.endReason] as const);

  const withWords = (utterances: number): TranscriptView => ({ ...archived('transcript.json'), utterances });
  const withDuration = (durationSeconds?: number): RecordingView => ({
    ...archived('recording.mp4'),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
  type Collected = Parameters<Meeting['collected']>[0];
  const NOTHING_SHOWING_THE_BOT_IN: Array<[string, Collected]> = [
    [
      'a recording without a duration and a transcript without words',
      { recording: withDuration(), transcript: withWords(0) },
    ],
    ['a recording of 0 s', { recording: withDuration(0), transcript: withWords(0) }],
  ];
  const DATA_SHOWING_THE_BOT_IN: Array<[string, Collected]> = [
    ['a transcript with words', { recording: withDuration(), transcript: withWords(4) }],
    ['a recording with a duration', { recording: withDuration(42), transcript: withWords(0) }],
  ];

  // Every path into `ended` from joining or the waiting room: each end code, and a lost status (the final data
  // straight from the live status).
  const before = { joining: [joining(t(0))], waiting_room: [joining(t(0)), waiting(t(1))] };
  const paths = (['joining', 'waiting_room'] as const).flatMap((from) => [
    ...END_CODES.map(
      ([code, kind, endReason]) =>
        [from, code, [...before[from], status(kind, code, t(5), endReason ? { endReason } : {})]] as const,
    ),
    [from, '(lost status) complete', before[from]] as const,
  ]);

  test.each(
    paths.flatMap(([from, end, events]) =>
      NOTHING_SHOWING_THE_BOT_IN.map(([what, data]) => [from, end, what, events, data] as const),
    ),
  )(
    '%s then %s, final data with %s: failed bot_not_admitted, never completed',
    (from, _end, _what, events, data) => {
      const m = fresh();
      for (const e of events) expect(m.apply(e)).toBe('applied');
      expect(m.status).toBe(events.length > before[from].length ? 'ended' : from);
      expect(m.apply(complete(t(6)))).toBe('applied');
      expect(m.status).toBe('collecting');
      m.collected(data);
      expect(m.status).toBe('failed');
      expect(m.view.error?.code).toBe('bot_not_admitted');
      expect(m.view.history.some((h) => h.status === 'completed')).toBe(false);
      expect(meetingViewSchema.parse(m.view)).toEqual(m.view);
    },
  );

  test.each(
    paths.flatMap(([from, end, events]) =>
      DATA_SHOWING_THE_BOT_IN.map(([what, data]) => [from, end, what, events, data] as const),
    ),
  )('%s then %s, final data with %s: completed', (_from, _end, _what, events, data) => {
    const m = fresh();
    for (const e of events) m.apply(e);
    m.apply(complete(t(6)));
    m.collected(data);
    expect(m.status).toBe('completed');
    expect(m.view.error).toBeUndefined();
  });

  test('in_waiting_room, bot_removed, then a complete with nothing in it: failed bot_not_admitted', () => {
    const m = fresh();
    m.apply(waiting(t(1)));
    m.apply(status('ended', 'bot_removed', t(2), { endReason: 'bot_removed' }));
    m.apply(complete(t(3), { url: null, transcript: false }));
    m.collected({});
    expect(m.status).toBe('failed');
    expect(m.view.error?.code).toBe('bot_not_admitted');
    expect(m.view.endReason).toBe('bot_removed');
  });

  test('final data found by the watchdog for a bot still in the waiting room: the same rule', () => {
    const m = fresh();
    m.apply(waiting(t(1)));
    m.apply({ ...complete(t(20)), source: 'api' });
    m.collected({ recording: withDuration(), transcript: withWords(0) });
    expect(m.status).toBe('failed');
    expect(m.view.error?.code).toBe('bot_not_admitted');
  });

  test('delivered in reverse order (the end first, the waiting room late): still never admitted', () => {
    const m = fresh();
    m.apply(status('ended', 'bot_removed', t(5), { endReason: 'bot_removed' }));
    expect(m.apply(waiting(t(1)))).toBe('recorded');
    m.apply(complete(t(6)));
    m.collected({ recording: withDuration(), transcript: withWords(0) });
    expect(m.status).toBe('failed');
    expect(m.view.error?.code).toBe('bot_not_admitted');
  });

  test('an in_call delivered late (not applied) still shows the bot was in: completed', () => {
    const m = fresh();
    m.apply(waiting(t(1)));
    m.apply(callEnded(t(30)));
    expect(m.apply(inCall(t(2)))).toBe('recorded');
    m.apply(complete(t(31)));
    m.collected({ recording: withDuration(), transcript: withWords(0) });
    expect(m.status).toBe('completed');
  });

  test('only the final data (no status at all): nothing says the bot tried to get in, completed as before', () => {
    const m = fresh();
    m.apply(complete(t(40)));
    m.collected({ recording: withDuration(), transcript: withWords(0) });
    expect(m.status).toBe('completed');
  });

  test('the bot admitted, removed, then data without words: completed (it was in)', () => {
    const m = fresh();
    m.apply(waiting(t(1)));
    m.apply(inCall(t(2)));
    m.apply(status('ended', 'bot_removed', t(5), { endReason: 'bot_removed' }));
    m.apply(complete(t(6)));
    m.collected({ recording: withDuration(), transcript: withWords(0) });
    expect(m.status).toBe('completed');
  });
});

describe('rules newer than running meetings are asked only where they decide otherwise', () => {
  const recordingRules = () => {
    const asked: MeetingRule[] = [];
    let answer = false;
    const meeting = new Meeting('meetingbaas', BOT, {
      applies: (rule) => {
        asked.push(rule);
        return answer;
      },
    });
    return { meeting, asked, answerWith: (a: boolean) => (answer = a) };
  };

  test('an ordinary meeting never asks (so a recorded history issues no new command)', () => {
    const { meeting, asked } = recordingRules();
    for (const e of [
      joining(t(0)),
      waiting(t(1)),
      inCall(t(2)),
      recording(t(3)),
      paused(t(4)),
      resumed(t(5)),
    ])
      meeting.apply(e);
    meeting.apply(callEnded(t(30)));
    meeting.apply(complete(t(31)));
    meeting.apply(inCall(t(2, 30))); // late, cannot move the meeting anyway
    meeting.collected({ recording: archived('recording.mp4'), transcript: archived('transcript.json') });
    expect(meeting.status).toBe('completed');
    expect(asked).toEqual([]);
  });

  test('before never-admitted-never-completed: a refused bot failed as soon as its final data came', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(waiting(t(1)));
    meeting.apply(botRejected(t(2)));
    meeting.apply(complete(t(3)));
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error?.code).toBe('bot_not_admitted');
    expect(asked).toEqual(['never-admitted-never-completed']);
  });

  test('before never-admitted-never-completed: a bot removed from the waiting room completed', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(waiting(t(1)));
    meeting.apply(status('ended', 'bot_removed', t(2), { endReason: 'bot_removed' }));
    meeting.apply(complete(t(3), { url: null, transcript: false }));
    meeting.collected({});
    expect(meeting.status).toBe('completed');
    expect(asked).toEqual(['never-admitted-never-completed']);
  });

  test('before late-events-move-forward: a stale forward event was recorded only', () => {
    const { meeting, asked } = recordingRules();
    meeting.apply(joining(t(5)));
    expect(meeting.apply(waiting(t(4)))).toBe('recorded');
    expect(asked).toEqual(['late-events-move-forward']);
  });

  test('before provider-time-evidence: a readable timestamp far ahead was taken as it was', () => {
    const { meeting, asked, answerWith } = recordingRules();
    meeting.apply(status('joining', 'joining_call', '2999-01-01T00:00:00.000Z', { receivedAt: t(0) }));
    expect(meeting.view.history[0]!.at).toBe('2999-01-01T00:00:00.000Z');
    expect(asked).toEqual(['provider-time-evidence']);
    // Unreadable garbage could not reach a meeting then: nothing to ask, it is placed at its receipt.
    answerWith(true);
    meeting.apply(status('unknown', 'x', 'not a date', { receivedAt: t(1) }));
    expect(asked).toHaveLength(1);
    expect(meeting.view.history[1]!.at).toBe(t(1));
  });
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
