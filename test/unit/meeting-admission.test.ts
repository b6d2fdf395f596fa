// A bot never admitted (joining, waiting room, refused) ends `bot_not_admitted`, unless its data shows it
// was in (domain/meeting.ts).
import { V2_STATUS_CODES } from '../../domain/meetingbaas/v2';
import { type Meeting } from '../../domain/meeting';
import { meetingViewSchema, type RecordingView, type TranscriptView } from '../../domain/view';
import {
  t,
  status,
  complete,
  joining,
  waiting,
  inCall,
  recording,
  callEnded,
  botRejected,
  archived,
  fresh,
} from './meeting-fixtures';

test('nothing archived by a bot never admitted: bot_not_admitted, not no_assets', () => {
  const m = fresh();
  m.apply(status('joining', 'joining_call', t(1)));
  m.apply(complete(t(40), { url: null, transcript: false }));
  m.collected({});
  expect(m.status).toBe('failed');
  expect(m.view.error?.code).toBe('bot_not_admitted');
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
