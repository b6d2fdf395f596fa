// A meeting carried from one workflow run to the next (continue-as-new): its snapshot is plain data, its
// restored copy decides as the original would, and what it remembers stays bounded however many events come.
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { LifecycleEvent } from '../../domain/lifecycle';
import { Meeting, MEETING_HISTORY_LIMITS, MEETING_MEMORY, type MeetingSnapshot } from '../../domain/meeting';
import { meetingViewSchema } from '../../domain/view';

const BOT = 'bot-snapshot';
const t = (second: number) => new Date(Date.UTC(2024, 0, 1, 12, 0, 0) + second * 1000).toISOString();

function status(kind: LifecycleEvent, code: string, second: number): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind,
    code,
    occurredAt: t(second),
    receivedAt: t(second),
    source: 'webhook',
    dedupeKey: `status:${code}:${t(second)}`,
  });
}

const complete = (second: number): ProviderEvent =>
  providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind: 'final_data',
    code: 'complete',
    receivedAt: t(second),
    source: 'webhook',
    dedupeKey: 'complete',
    recording: { url: 'https://example.com/video.mp4', urlExpiresAt: t(7200), redacted: true },
    hasTranscript: true,
    payloadRef: { uri: 'file:///archive/inbox/x.json', bytes: 10, sha256: 'b'.repeat(64) },
  });

const START: ProviderEvent[] = [
  status('joining', 'joining_call', 1),
  status('waiting_room', 'in_waiting_room', 2),
  status('in_call', 'in_call_not_recording', 3),
  status('recording', 'in_call_recording', 4),
];

/** A JSON round trip, as Temporal's payload converter makes between two runs. */
const overTheWire = (snapshot: MeetingSnapshot): MeetingSnapshot =>
  JSON.parse(JSON.stringify(snapshot)) as MeetingSnapshot;

test('snapshot and restore: the restored meeting has the same view and decides as the original', () => {
  const original = new Meeting('meetingbaas', BOT);
  for (const e of START) original.apply(e);
  const snapshot = original.snapshot();
  expect(overTheWire(snapshot)).toEqual(snapshot);

  const restored = Meeting.restore(overTheWire(snapshot));
  expect(restored.view).toEqual(original.view);
  expect(restored.snapshot()).toEqual(snapshot);

  // Same answers to what comes next: duplicates, a stale event, the end, the final data twice.
  const next = [START[1]!, status('in_call', 'in_call_not_recording', 0), status('ended', 'call_ended', 9)];
  for (const e of [...next, complete(10), complete(11)]) expect(restored.apply(e)).toBe(original.apply(e));
  expect(restored.view).toEqual(original.view);
  expect(restored.finalData).toEqual(original.finalData);
  expect(restored.status).toBe('collecting');

  // The snapshot is a copy: neither changes with the other.
  restored.apply(status('recording', 'in_call_recording', 20));
  expect(Meeting.restore(snapshot).view.history).toHaveLength(START.length);
});

test('the final data stays remembered however many other events come after it', () => {
  const meeting = new Meeting('meetingbaas', BOT);
  for (const e of START) meeting.apply(e);
  meeting.apply(status('ended', 'call_ended', 9));
  expect(meeting.apply(complete(10))).toBe('applied');
  for (let i = 0; i < MEETING_MEMORY.dedupeKeys + 10; i++)
    meeting.apply(status('recording', 'in_call_recording', 100 + i));
  const restored = Meeting.restore(overTheWire(meeting.snapshot()));
  expect(restored.apply(complete(5000))).toBe('duplicate');
  // The recent keys stay bounded.
  expect(restored.snapshot().recentKeys).toHaveLength(MEETING_MEMORY.dedupeKeys);
});

test('a key redelivered often is never forgotten; one not seen for many distinct events may be', () => {
  const meeting = new Meeting('meetingbaas', BOT);
  for (const e of START) meeting.apply(e);
  const often = START[3]!;
  for (let i = 0; i < 3 * MEETING_MEMORY.dedupeKeys; i++) {
    meeting.apply(status('recording', 'in_call_recording', 100 + i));
    if (i % 100 === 0) expect(meeting.apply(often)).toBe('duplicate');
  }
  expect(meeting.apply(often)).toBe('duplicate');
  // joining_call was last seen thousands of distinct events ago: recorded again, but it does not move the
  // meeting back (older than the state).
  expect(meeting.apply(START[0]!)).toBe('recorded');
  expect(meeting.status).toBe('recording');
});

test('the history keeps its first and newest entries and counts the ones left out', () => {
  const meeting = new Meeting('meetingbaas', BOT);
  for (const e of START) meeting.apply(e);
  const { first, last, slack } = MEETING_HISTORY_LIMITS;
  const distinct = 5_000;
  for (let i = 0; i < distinct; i++) meeting.apply(status('recording', 'in_call_recording', 100 + i));
  meeting.apply(status('ended', 'call_ended', 100 + distinct));

  const { history, historyOmitted } = meeting.view;
  expect(history.length).toBeLessThanOrEqual(first + last + slack);
  expect(history.length + historyOmitted!).toBe(START.length + distinct + 1);
  expect(history.slice(0, 4).map((h) => h.code)).toEqual(START.map((e) => e.code));
  expect(history.at(-1)).toMatchObject({ code: 'call_ended', status: 'ended', applied: true });
  expect(meetingViewSchema.parse(meeting.view)).toEqual(meeting.view);

  // Carried over, the bound and the count go on.
  const restored = Meeting.restore(overTheWire(meeting.snapshot()));
  for (let i = 0; i < 1_000; i++) restored.remark({ at: t(i), code: 'note', source: 'api', note: `${i}` });
  expect(restored.view.history.length).toBeLessThanOrEqual(first + last + slack);
  expect(restored.view.history.length + restored.view.historyOmitted!).toBe(START.length + distinct + 1001);
});

test('a snapshot stays small: bounded keys and history, whatever the traffic', () => {
  const meeting = new Meeting('meetingbaas', BOT);
  for (const e of START) meeting.apply(e);
  for (let i = 0; i < 20_000; i++) meeting.apply(status('recording', 'in_call_recording', 100 + i));
  const bytes = JSON.stringify(meeting.snapshot()).length;
  expect(bytes).toBeLessThan(256 * 1024);
});
