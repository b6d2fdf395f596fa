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
  collecting: { collected: 'completed', collection_failed: 'failed', asset_published: 'collecting' },
  completed: {},
  failed: {},
};

/** Whether an event shows that the bot was let into the meeting. */
export const ADMITTING_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['in_call', 'recording', 'paused']);

export type Admission = 'unknown' | 'admitted' | 'refused';

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
 * Where `event` takes a meeting in `state`. The one rule outside the table: a bot that was refused entry
 * never reaches `completed`, so final data announced for it fails the meeting instead of collecting.
 */
export function decide(state: LifecycleState, event: LifecycleEvent): Decision {
  const admission: Admission = ADMITTING_EVENTS.has(event)
    ? 'admitted'
    : event === 'ended_unadmitted' && state.admission !== 'admitted'
      ? 'refused'
      : state.admission;

  const target = TRANSITIONS[state.status][event];
  if (target === undefined) {
    const note =
      event === 'unknown'
        ? 'unknown provider code: recorded only'
        : `no transition from ${state.status} on ${event}`;
    return { applied: false, next: state, note };
  }
  if (event === 'final_data' && admission === 'refused') {
    return {
      applied: true,
      next: { status: 'failed', admission },
      failure: {
        code: 'bot_not_admitted',
        message: 'the provider announced final data, but the bot was never admitted to the meeting',
      },
    };
  }
  return {
    applied: true,
    next: { status: target, admission: event === 'final_data' ? 'admitted' : admission },
  };
}
