import {
  admissionAfter,
  decide,
  LIFECYCLE_EVENTS,
  MEETING_STATUSES,
  movesForward,
  neverAdmitted,
  showsBotWasIn,
  TRANSITIONS,
  type Admission,
  type LifecycleEvent,
  type LifecycleState,
  type MeetingStatus,
  type PresenceEvidence,
} from '../../domain/lifecycle';

// The expected lifecycle, written out by hand from the design (not derived from TRANSITIONS):
//   scheduled → joining → waiting_room → in_call → recording ⇄ paused → ended → collecting → completed | failed
// A cell holds the status the event leads to, or `null` when the event must not be applied.
const _ = null;
type Cell = MeetingStatus | null;

/* prettier-ignore */
const COLUMNS: readonly LifecycleEvent[] = [
  'scheduled', 'joining', 'waiting_room', 'in_call', 'recording', 'paused',
  'ended', 'ended_unadmitted', 'final_data', 'final_failure', 'asset_published', 'collect', 'collected',
  'collection_failed', 'nothing_archived', 'gave_up', 'unknown',
];

/* prettier-ignore */
const MATRIX: Record<MeetingStatus, readonly Cell[]> = {
  //            scheduled    joining    waiting_room    in_call    recording    paused    ended    ended_unadm  final_data    final_failure asset_publ    collect       collected    coll_failed nothing_arch  gave_up    unknown
  scheduled:    ['scheduled', 'joining', 'waiting_room', 'in_call', 'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  joining:      [_,           'joining', 'waiting_room', 'in_call', 'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  waiting_room: [_,           _,         'waiting_room', 'in_call', 'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  in_call:      [_,           _,         _,              'in_call', 'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  recording:    [_,           _,         _,              _,         'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  paused:       [_,           _,         _,              _,         'recording', 'paused', 'ended', 'ended',     'collecting', 'failed',     'ended',      _,            _,           _,          _,            'failed', _],
  ended:        [_,           _,         _,              _,         _,           _,        _,       _,           'collecting', 'failed',     'ended',      'collecting', _,           _,          _,            _,         _],
  collecting:   [_,           _,         _,              _,         _,           _,        _,       _,           _,            _,            'collecting', _,            'completed', 'failed',   'failed',     _,         _],
  completed:    [_,           _,         _,              _,         _,           _,        _,       _,           _,            _,            _,            _,            _,           _,          _,            _,         _],
  failed:       [_,           _,         _,              _,         _,           _,        _,       _,           _,            _,            _,            _,            _,           _,          _,            _,         _],
};

const cases: Array<[MeetingStatus, LifecycleEvent, Cell]> = MEETING_STATUSES.flatMap((status) =>
  COLUMNS.map((event, i): [MeetingStatus, LifecycleEvent, Cell] => {
    const cell = MATRIX[status][i];
    if (cell === undefined) throw new Error(`matrix row ${status} has no cell for ${event}`);
    return [status, event, cell];
  }),
);

describe('the expectation matrix itself', () => {
  test('covers every status and every event exactly once', () => {
    expect([...COLUMNS].sort()).toEqual([...LIFECYCLE_EVENTS].sort());
    expect(Object.keys(MATRIX).sort()).toEqual([...MEETING_STATUSES].sort());
    for (const status of MEETING_STATUSES) expect(MATRIX[status]).toHaveLength(LIFECYCLE_EVENTS.length);
    expect(cases).toHaveLength(MEETING_STATUSES.length * LIFECYCLE_EVENTS.length);
  });
});

describe('decide over every (status, event) pair', () => {
  test.each(cases)('%s + %s -> %s', (status, event, expected) => {
    // 'unknown' admission: nobody was refused, so final_data is not diverted to `failed`.
    const state: LifecycleState = { status, admission: 'unknown' };
    const decision = decide(state, event);
    if (expected === null) {
      expect(decision.applied).toBe(false);
      expect(decision.next).toEqual(state);
      expect(typeof decision.note).toBe('string');
      expect(decision.note!.length).toBeGreaterThan(0);
      expect(decision.failure).toBeUndefined();
    } else {
      expect(decision.applied).toBe(true);
      expect(decision.next.status).toBe(expected);
      expect(decision.note).toBeUndefined();
      expect(decision.failure).toBeUndefined();
    }
  });

  test.each(cases.filter(([, , expected]) => expected !== null))(
    'with the bot already admitted: %s + %s -> %s as well',
    (status, event, expected) => {
      const decision = decide({ status, admission: 'admitted' }, event);
      expect(decision.applied).toBe(true);
      expect(decision.next).toEqual({ status: expected, admission: 'admitted' });
    },
  );

  test.each(MEETING_STATUSES.map((s) => [s]))(
    'an unknown code from %s is never applied and says so',
    (status) => {
      const decision = decide({ status, admission: 'unknown' }, 'unknown');
      expect(decision.applied).toBe(false);
      expect(decision.note).toMatch(/unknown/);
    },
  );

  test.each(MEETING_STATUSES.map((s) => [s]))(
    'a refused transition from %s does not mutate the given state',
    (status) => {
      const state: LifecycleState = Object.freeze({ status, admission: 'unknown' });
      for (const event of LIFECYCLE_EVENTS) decide(state, event);
      expect(state).toEqual({ status, admission: 'unknown' });
    },
  );
});

describe('admission', () => {
  const ADMITTING: LifecycleEvent[] = ['in_call', 'recording', 'paused'];

  test.each(ADMITTING.map((e) => [e]))('%s marks the bot as admitted', (event) => {
    expect(decide({ status: 'joining', admission: 'unknown' }, event).next.admission).toBe('admitted');
  });

  test.each(['scheduled', 'joining', 'waiting_room'] as const)(
    'ended_unadmitted from %s (never admitted): refused; final data is collected, then the meeting fails bot_not_admitted',
    (status) => {
      const ended = decide({ status, admission: 'unknown' }, 'ended_unadmitted');
      expect(ended.applied).toBe(true);
      expect(ended.next).toEqual({ status: 'ended', admission: 'refused' });

      const final = decide(ended.next, 'final_data');
      expect(final.applied).toBe(true);
      expect(final.next).toEqual({ status: 'collecting', admission: 'refused' });
      expect(final.failure).toBeUndefined();

      const collected = decide(final.next, 'collected', { recordingSeconds: 0, transcriptUtterances: 0 });
      expect(collected.applied).toBe(true);
      expect(collected.next.status).toBe('failed');
      expect(collected.failure?.code).toBe('bot_not_admitted');
      expect(collected.failure?.message).toMatch(/not let into the meeting/);
    },
  );

  test.each(['in_call', 'recording', 'paused'] as const)(
    'after the bot was admitted (%s seen), ended_unadmitted does not make it refused: final_data collects',
    (admittingEvent) => {
      const admitted = decide({ status: 'waiting_room', admission: 'unknown' }, admittingEvent);
      expect(admitted.next.admission).toBe('admitted');

      const ended = decide(admitted.next, 'ended_unadmitted');
      expect(ended.next).toEqual({ status: 'ended', admission: 'admitted' });

      const final = decide(ended.next, 'final_data');
      expect(final.applied).toBe(true);
      expect(final.next.status).toBe('collecting');
      expect(final.failure).toBeUndefined();
      expect(decide(final.next, 'collected').next.status).toBe('completed');
    },
  );

  test('a refused bot whose provider reports final_failure fails without a bot_not_admitted failure of our own', () => {
    const ended = decide({ status: 'waiting_room', admission: 'unknown' }, 'ended_unadmitted');
    const final = decide(ended.next, 'final_failure');
    expect(final.applied).toBe(true);
    expect(final.next.status).toBe('failed');
    expect(final.failure).toBeUndefined();
  });

  test('final_data straight from a live status (no end seen, never refused) collects', () => {
    const final = decide({ status: 'waiting_room', admission: 'unknown' }, 'final_data');
    expect(final.next.status).toBe('collecting');
    expect(final.next.admission).not.toBe('refused');
    expect(final.failure).toBeUndefined();
  });

  test('a plain `ended` does not mark the bot as refused', () => {
    const ended = decide({ status: 'waiting_room', admission: 'unknown' }, 'ended');
    expect(ended.next.admission).toBe('unknown');
    expect(decide(ended.next, 'final_data').next.status).toBe('collecting');
  });

  test('a late ended_unadmitted that is not applied (status completed) leaves the state untouched', () => {
    const state: LifecycleState = { status: 'completed', admission: 'admitted' };
    const decision = decide(state, 'ended_unadmitted');
    expect(decision.applied).toBe(false);
    expect(decision.next).toEqual(state);
  });
});

describe('never admitted means never admitted, whatever the end code', () => {
  const ENTRY: LifecycleEvent[] = ['joining', 'waiting_room'];
  const ADMITTING: LifecycleEvent[] = ['in_call', 'recording', 'paused'];

  test.each(ENTRY.map((e) => [e]))('%s marks a bot of unknown admission as waiting', (event) => {
    expect(admissionAfter('unknown', event)).toBe('waiting');
  });

  test.each<[Admission, LifecycleEvent, Admission]>([
    ['waiting', 'ended', 'waiting'],
    ['waiting', 'ended_unadmitted', 'refused'],
    ['waiting', 'final_data', 'waiting'],
    ['refused', 'joining', 'refused'],
    ['refused', 'in_call', 'admitted'],
    ['admitted', 'ended_unadmitted', 'admitted'],
    ['admitted', 'waiting_room', 'admitted'],
    ['unknown', 'ended', 'unknown'],
    ['unknown', 'final_data', 'unknown'],
    ['unknown', 'scheduled', 'unknown'],
    ['waiting', 'unknown', 'waiting'],
  ])('admission %s + %s -> %s', (admission, event, expected) => {
    expect(admissionAfter(admission, event)).toBe(expected);
  });

  test.each(
    (['unknown', 'waiting', 'refused', 'admitted'] as const).flatMap((a) => ADMITTING.map((e) => [a, e])),
  )('from %s, %s always admits (once in, in for good)', (admission, event) => {
    expect(admissionAfter(admission as Admission, event as LifecycleEvent)).toBe('admitted');
  });

  test('never admitted: waiting and refused only', () => {
    expect(neverAdmitted('waiting')).toBe(true);
    expect(neverAdmitted('refused')).toBe(true);
    expect(neverAdmitted('unknown')).toBe(false);
    expect(neverAdmitted('admitted')).toBe(false);
  });

  test.each<[string, PresenceEvidence | undefined, boolean]>([
    ['nothing collected', undefined, false],
    ['an empty recording and transcript', { recordingSeconds: 0, transcriptUtterances: 0 }, false],
    ['a recording without a duration', { transcriptUtterances: 0 }, false],
    ['a recording with a duration', { recordingSeconds: 12.5 }, true],
    ['a transcript with words', { transcriptUtterances: 1 }, true],
  ])('%s: shows the bot was in = %s', (_name, evidence, expected) => {
    expect(showsBotWasIn(evidence)).toBe(expected);
  });

  // Every way into `ended` from joining or the waiting room (the end events the table has, and a lost
  // status: the final data straight from a live status), then the final data collected with and without
  // evidence of the bot having been in.
  const END_KINDS = (['ended', 'ended_unadmitted', 'asset_published', 'final_data'] as const).filter(
    (e) => TRANSITIONS.joining[e] !== undefined,
  );
  const paths = (['joining', 'waiting_room'] as const).flatMap((status) =>
    END_KINDS.map((end) => [status, end] as const),
  );

  test.each(paths)('%s then %s, nothing showing the bot in: failed bot_not_admitted', (status, end) => {
    let state: LifecycleState = { status, admission: admissionAfter('unknown', status) };
    const ended = decide(state, end);
    expect(ended.applied).toBe(true);
    state = ended.next;
    if (state.status === 'ended') state = decide(state, 'final_data').next;
    expect(state.status).toBe('collecting');
    expect(neverAdmitted(state.admission)).toBe(true);
    for (const evidence of [undefined, { recordingSeconds: 0, transcriptUtterances: 0 }]) {
      const done = decide(state, 'collected', evidence);
      expect(done.next.status).toBe('failed');
      expect(done.next.status).not.toBe('completed');
      expect(done.failure?.code).toBe('bot_not_admitted');
    }
  });

  test.each(paths)('%s then %s, data showing the bot in: completed', (status, end) => {
    let state: LifecycleState = { status, admission: admissionAfter('unknown', status) };
    state = decide(state, end).next;
    if (state.status === 'ended') state = decide(state, 'final_data').next;
    for (const evidence of [{ recordingSeconds: 1 }, { transcriptUtterances: 3 }]) {
      const done = decide(state, 'collected', evidence);
      expect(done.next).toEqual({ status: 'completed', admission: 'admitted' });
      expect(done.failure).toBeUndefined();
    }
  });

  test("a collection failure of a never admitted bot keeps the collector's failure (no bot_not_admitted)", () => {
    const done = decide({ status: 'collecting', admission: 'waiting' }, 'collection_failed');
    expect(done.next.status).toBe('failed');
    expect(done.failure).toBeUndefined();
  });

  test('unknown admission (no bot seen trying, e.g. only the final data) completes without evidence', () => {
    expect(decide({ status: 'collecting', admission: 'unknown' }, 'collected').next.status).toBe('completed');
  });
});

describe('movesForward', () => {
  test('every transition of the table moves forward or stays level: the table never moves a meeting back', () => {
    for (const status of MEETING_STATUSES) {
      for (const target of Object.values(TRANSITIONS[status])) {
        expect(movesForward(target, status)).toBe(false);
      }
    }
  });

  test.each<[MeetingStatus, MeetingStatus, boolean]>([
    ['joining', 'waiting_room', true],
    ['waiting_room', 'in_call', true],
    ['recording', 'ended', true],
    ['ended', 'collecting', true],
    ['recording', 'paused', false],
    ['paused', 'recording', false],
    ['joining', 'joining', false],
    ['in_call', 'joining', false],
  ])('%s -> %s forward: %s', (from, to, expected) => {
    expect(movesForward(from, to)).toBe(expected);
  });
});

describe('nothing archived (no_assets)', () => {
  test('a collecting meeting that archived nothing fails; nothing_archived moves no other status', () => {
    expect(decide({ status: 'collecting', admission: 'admitted' }, 'nothing_archived').next.status).toBe(
      'failed',
    );
    for (const status of MEETING_STATUSES.filter((s) => s !== 'collecting'))
      expect(decide({ status, admission: 'admitted' }, 'nothing_archived').applied).toBe(false);
  });
});
