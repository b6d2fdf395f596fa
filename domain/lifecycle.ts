// The meeting lifecycle as one explicit transition table. Pure: no Temporal, no I/O.
// Providers' codes are first mapped to the provider-neutral events below (see meetingbaas/v1.ts),
// then this table says where each event may take a meeting from each status.

export const MEETING_STATUSES = [
  'scheduled',
  'joining',
  'waiting_room',
  'in_call',
  'recording',
  'paused',
  'ended',
  'collecting',
  'completed',
  'failed',
] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const LIFECYCLE_EVENTS = [
  'scheduled', // meeting planned (Webex created/updated)
  'joining', // bot asked to join
  'waiting_room', // bot waits to be admitted
  'in_call', // bot admitted, not recording
  'recording', // recording (started or resumed)
  'paused', // recording paused
  'ended', // call over, the bot had been (or may have been) in it
  'ended_unadmitted', // call over and the bot was never let in (rejected, waiting room timeout, bad URL)
  'final_data', // provider says the data is ready (Meeting BaaS `complete`)
  'final_failure', // provider says nothing will come (Meeting BaaS `failed`)
  'asset_published', // provider published an asset of the meeting (Webex recordings/transcripts created)
  'collect', // internal: start looking for the assets the provider publishes on its own (Webex, after ended)
  'collected', // internal: every asset archived or marked unavailable
  'collection_failed', // internal: nothing could be collected, for a reason retrying cannot fix
  'nothing_archived', // internal: collection is over and no asset at all was archived (`no_assets`)
  'gave_up', // internal: a live meeting never ended before the meeting deadline (watchdog, `no_end`)
  'unknown', // a code this service does not know: recorded, never moves the state
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export const TERMINAL_STATUSES: ReadonlySet<MeetingStatus> = new Set(['completed', 'failed']);

type Row = Partial<Record<LifecycleEvent, MeetingStatus>>;

// Events every live (pre-`ended`) status accepts: the meeting may always move forward to its end.
const towardsEnd: Row = {
  ended: 'ended',
  ended_unadmitted: 'ended',
  // Webex publishes a meeting's recordings and transcripts only once it is over.
  asset_published: 'ended',
  final_data: 'collecting',
  final_failure: 'failed',
  gave_up: 'failed',
};

/** (status, event) -> next status. A missing cell means: recorded, state unchanged. */
export const TRANSITIONS: Readonly<Record<MeetingStatus, Row>> = {
  scheduled: {
    scheduled: 'scheduled',
    joining: 'joining',
    waiting_room: 'waiting_room',
    in_call: 'in_call',
    recording: 'recording',
    paused: 'paused',
    ...towardsEnd,
  },
  joining: {
    joining: 'joining',
    waiting_room: 'waiting_room',
    in_call: 'in_call',
    recording: 'recording',
    paused: 'paused',
    ...towardsEnd,
  },
  waiting_room: {
    waiting_room: 'waiting_room',
    in_call: 'in_call',
    recording: 'recording',
    paused: 'paused',
    ...towardsEnd,
  },
  in_call: { in_call: 'in_call', recording: 'recording', paused: 'paused', ...towardsEnd },
  recording: { recording: 'recording', paused: 'paused', ...towardsEnd },
  paused: { paused: 'paused', recording: 'recording', ...towardsEnd },
  ended: {
    final_data: 'collecting',
    final_failure: 'failed',
    asset_published: 'ended',
    collect: 'collecting',
  },
  collecting: {
    collected: 'completed',
    collection_failed: 'failed',
    nothing_archived: 'failed',
    asset_published: 'collecting',
  },
  completed: {},
  failed: {},
};

/** Whether an event shows that the bot was let into the meeting. */
export const ADMITTING_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['in_call', 'recording', 'paused']);
/** Events that show the bot trying to get in: from then on it counts as not admitted until shown in. */
const ENTRY_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['joining', 'waiting_room']);

/**
 * What is known of the bot being let in:
 * - unknown: nothing (no bot seen trying, e.g. only the final data came, or a Webex meeting);
 * - waiting: seen joining or in the waiting room, never seen in the call;
 * - refused: the provider said it was not let in (bot_rejected, waiting_room_timeout, invalid_meeting_url);
 * - admitted: seen in the call (in_call, recording, paused), or its final data shows it was in.
 */
export type Admission = 'unknown' | 'waiting' | 'refused' | 'admitted';

/**
 * The admission rule, for every event delivered (applied or not: an in_call that arrives late, after the
 * end, still shows the bot was in). Once admitted, always admitted.
 */
export function admissionAfter(admission: Admission, event: LifecycleEvent): Admission {
  if (admission === 'admitted' || ADMITTING_EVENTS.has(event)) return 'admitted';
  if (event === 'ended_unadmitted') return 'refused';
  if (ENTRY_EVENTS.has(event) && admission === 'unknown') return 'waiting';
  return admission;
}

/** Never admitted: the meeting ended (or will) with the bot joining or in the waiting room, whatever the end code. */
export function neverAdmitted(admission: Admission): boolean {
  return admission === 'waiting' || admission === 'refused';
}

/** What the collected final data says about the bot having been in the call. */
export interface PresenceEvidence {
  /** Duration of the recording (all its parts), when the provider gives one. */
  recordingSeconds?: number;
  /** Utterances of the archived transcript: a transcript with words has at least one. */
  transcriptUtterances?: number;
}

/** The final data shows the bot was in: a recording with a duration, or a transcript with words. */
export function showsBotWasIn(evidence: PresenceEvidence | undefined): boolean {
  return (evidence?.recordingSeconds ?? 0) > 0 || (evidence?.transcriptUtterances ?? 0) > 0;
}

export const BOT_NOT_ADMITTED = 'bot_not_admitted';
/** Collection is over and not one asset (recording, transcript, participants) was archived. */
export const NO_ASSETS = 'no_assets';

function notAdmitted(admission: Admission): { code: string; message: string } {
  const why =
    admission === 'refused'
      ? 'the provider reported that the bot was not let into the meeting'
      : 'the bot was never seen in the call (it ended while joining or in the waiting room)';
  return {
    code: BOT_NOT_ADMITTED,
    message: `${why}, and its final data shows no sign of it there: no recording with a duration, no transcript with words`,
  };
}

/** How far along the lifecycle each status is: the table never takes a meeting to a lower rank. */
const RANK: Readonly<Record<MeetingStatus, number>> = {
  scheduled: 0,
  joining: 1,
  waiting_room: 2,
  in_call: 3,
  recording: 4,
  paused: 4,
  ended: 5,
  collecting: 6,
  completed: 7,
  failed: 7,
};

/**
 * Whether going from `from` to `to` moves the meeting forward. Such a move is right even for an event older
 * than the current state: had the events come in time order, the older one would have been applied and
 * the newer refused by the table (it cannot move the meeting back). So only sideways moves (recording and
 * paused) need the "older than the current state" rule, and a wrong timestamp can never freeze a meeting.
 */
export function movesForward(from: MeetingStatus, to: MeetingStatus): boolean {
  return RANK[to] > RANK[from];
}

export interface LifecycleState {
  status: MeetingStatus;
  admission: Admission;
}

export interface Decision {
  applied: boolean;
  next: LifecycleState;
  /** Why the event was not applied. */
  note?: string;
  /** Set when the event fails the meeting on this service's own judgement (not a provider failure). */
  failure?: { code: string; message: string };
}

/**
 * Where `event` takes a meeting in `state`. The one rule outside the table: a bot that was never admitted
 * never reaches `completed`. Its final data is collected like any other (it may prove the bot was in after
 * all: a lost status), and once collected the meeting fails `bot_not_admitted` unless `evidence` (what was
 * collected) shows the bot was in.
 */
export function decide(state: LifecycleState, event: LifecycleEvent, evidence?: PresenceEvidence): Decision {
  const admission = admissionAfter(state.admission, event);

  const target = TRANSITIONS[state.status][event];
  if (target === undefined) {
    const note =
      event === 'unknown'
        ? 'unknown provider code: recorded only'
        : `no transition from ${state.status} on ${event}`;
    return { applied: false, next: state, note };
  }
  if (event === 'collected' && neverAdmitted(admission)) {
    if (showsBotWasIn(evidence)) return { applied: true, next: { status: target, admission: 'admitted' } };
    return { applied: true, next: { status: 'failed', admission }, failure: notAdmitted(admission) };
  }
  return { applied: true, next: { status: target, admission } };
}

/**
 * Failures that mean "the final data did not come in time", not "there is none": a final-data event that
 * arrives after them revives the meeting (it is collected, then `completed`). Any other failure (the
 * provider's own, `bot_not_admitted`, a collection that could not be done) records a late event only.
 */
export const REVIVABLE_FAILURES: ReadonlySet<string> = new Set(['final_event_missing', 'no_end']);

/**
 * The late-delivery rule, outside the table (which stops at `completed` / `failed`): where a final-data
 * event takes a meeting that is already final, or undefined when it only records it.
 * - failed with a revivable failure (REVIVABLE_FAILURES) + final_data: the data came after all → collecting;
 * - completed + asset_published (Webex announced one more recording or transcript): → collecting, until
 *   the new asset is archived (then `collected` → completed again).
 */
export function lateCollection(
  state: { status: MeetingStatus; errorCode?: string },
  event: LifecycleEvent,
): MeetingStatus | undefined {
  if (state.status === 'failed' && event === 'final_data' && REVIVABLE_FAILURES.has(state.errorCode ?? ''))
    return 'collecting';
  if (state.status === 'completed' && event === 'asset_published') return 'collecting';
  return undefined;
}
