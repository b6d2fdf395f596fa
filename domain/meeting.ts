// One meeting's state, fed provider events in whatever order and number they arrive. Pure (no Temporal,
// no I/O, no clock: times come in with the events), so the workflow only has to orchestrate it.
import type { ProviderEvent } from './events';
import { meetingWorkflowId, type Provider } from './workflow-id';
import {
  ADMITTING_EVENTS,
  admissionAfter,
  BOT_NOT_ADMITTED,
  decide,
  lateCollection,
  movesForward,
  NO_ASSETS,
  type Admission,
  type LifecycleEvent,
  type MeetingStatus,
  type PresenceEvidence,
  TERMINAL_STATUSES,
} from './lifecycle';
import { eraseAssets } from './erasure';
import { eventTime, type EventTime } from './provider-time';
import type {
  HistoryEntry,
  MeetingView,
  ParticipantsView,
  ProviderErasure,
  RecordingView,
  TranscriptView,
} from './view';

export type ApplyOutcome = 'applied' | 'recorded' | 'duplicate';

/**
 * What a meeting remembers, bounded so that a meeting that takes any number of deliveries carries a state of
 * bounded size from one workflow run to the next (continue-as-new, see workflows/meeting.ts RUN_BUDGET).
 * - dedupeKeys: the most recently seen delivery keys (a redelivery counts as seen again, so a key the provider
 *   keeps redelivering stays remembered). A redelivery of a key forgotten since, after this many other
 *   distinct events, is recorded again; by then it is older than the state and does not move it.
 * - finalKeys: the keys of the final events (final data, final failure, collection), kept whatever the
 *   traffic: a late redelivery of one must never be applied twice.
 * - history: the view's history keeps its `first` and its `last` entries and counts the ones left out in
 *   between (`historyOmitted`); it is trimmed once it holds `slack` entries more, so that a new entry costs
 *   O(1) on average.
 */
export const MEETING_MEMORY = { dedupeKeys: 1_000, finalKeys: 100 } as const;
export const MEETING_HISTORY_LIMITS = { first: 50, last: 450, slack: 100 } as const;

/** Final events: their keys are kept for the meeting's whole life (MEETING_MEMORY.finalKeys). */
const FINAL_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['final_data', 'final_failure', 'collect']);

/**
 * A meeting's whole state as plain data (JSON): what a workflow run hands to the next when it continues as
 * new. `Meeting.restore(snapshot)` gives back a meeting that decides exactly as the one it was taken from.
 */
export interface MeetingSnapshot {
  view: MeetingView;
  admission: Admission;
  legacyAdmission: 'unknown' | 'admitted' | 'refused';
  lastAppliedAt?: string;
  /** The remembered delivery keys, least recently seen first. */
  recentKeys: string[];
  finalKeys: string[];
  finalData?: ProviderEvent;
  waitingRoomTimeoutSeconds?: number;
  /** When the provider was heard from and asked (absent in snapshots taken before it was kept). */
  contact?: MeetingContact;
}

/**
 * Rules newer than some running meetings. Each is consulted only where it decides otherwise than the rule
 * before it, so that a workflow can answer with `patched(rule)`: a recorded history keeps the old
 * decision on replay, a new one takes the new.
 * - provider-time-evidence: a provider timestamp more than 5 minutes in the future of its receipt, or
 *   before 1970, or after 9999, is placed at the receipt (before: taken as it was; garbage was refused
 *   at the edge then);
 * - late-events-move-forward: an event older than the current state still moves the meeting forward;
 * - never-admitted-never-completed: a bot never seen in the call ends `failed` `bot_not_admitted` once
 *   its final data is collected, unless that data shows it was in (before: only a bot the provider
 *   said was refused, failed at once when its final data came);
 * - late-final-data-collected: a final-data event after the meeting is final is collected (see
 *   lifecycle.ts lateCollection: `failed` for want of final data revives, a `completed` Webex meeting
 *   collects one more asset); before: recorded only;
 * - transient-not-verdict: a meeting whose collection archived nothing at all (recording, transcript and
 *   participants all missing) ends `failed` `no_assets` (lifecycle.ts `nothing_archived`); before:
 *   `completed`. (The same patch makes the workflows retry transient failures until the asset's deadline.)
 */
export const MEETING_RULES = [
  'provider-time-evidence',
  'late-events-move-forward',
  'never-admitted-never-completed',
  'late-final-data-collected',
  'transient-not-verdict',
] as const;
export type MeetingRule = (typeof MEETING_RULES)[number];

/**
 * When the provider was heard from and asked: what the live watchdog counts from (domain/watchdog.ts).
 * Plain data: part of the meeting's state to carry over (continue-as-new).
 */
export interface MeetingContact {
  /** Receipt of the first event from outside (a webhook, an API answer, the service's bot request). */
  firstHeardAt?: string;
  /** Receipt of the newest such event, or of the provider API's newest answer that the meeting goes on. */
  lastHeardAt?: string;
  /** The newest event from outside: its code and source (`in_call_recording (webhook)`), and its receipt. */
  lastEvent?: string;
  lastEventAt?: string;
  /** When the live watchdog last asked the provider's API, answered or not, and how many times so far. */
  lastAskedAt?: string;
  asks?: number;
}

export interface MeetingOptions {
  /** Whether a rule applies (default: every rule). Asked only when its answer changes the outcome. */
  applies?: (rule: MeetingRule) => boolean;
}

const END_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['ended', 'ended_unadmitted']);
const START_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['in_call', 'recording']);

const ms = (iso: string) => Date.parse(iso);
const earliest = (a: string | undefined, b: string) => (a === undefined || ms(b) < ms(a) ? b : a);
const latest = (a: string | undefined, b: string) => (a === undefined || ms(b) > ms(a) ? b : a);
const joinNotes = (...notes: Array<string | undefined>) => notes.filter(Boolean).join('; ') || undefined;

export class Meeting {
  readonly view: MeetingView;
  private admission: Admission = 'unknown';
  /** Admission as the rule before never-admitted-never-completed saw it: only applied events counted. */
  private legacyAdmission: 'unknown' | 'admitted' | 'refused' = 'unknown';
  /** Where the newest applied event with a provider timestamp was placed: older events are stale. */
  private lastAppliedAt: string | undefined;
  /** Recently seen delivery keys, least recently seen first (a Map keeps insertion order: an O(1) LRU). */
  private readonly recentKeys = new Map<string, true>();
  private readonly finalKeys = new Set<string>();
  private readonly applies: (rule: MeetingRule) => boolean;
  /** The event that announced the final data, once applied: what collection works from. */
  finalData: ProviderEvent | undefined;
  /** The bot's own waiting-room timeout, when known (bots sent through this service). */
  waitingRoomTimeoutSeconds: number | undefined;
  /** When the provider was heard from and asked (the live watchdog's clock). */
  readonly contact: MeetingContact = {};

  constructor(provider: Provider, externalId: string, options: MeetingOptions = {}) {
    this.applies = options.applies ?? (() => true);
    this.view = {
      workflowId: meetingWorkflowId(provider, externalId),
      provider,
      externalId,
      status: 'scheduled',
      history: [],
    };
  }

  /**
   * A meeting that goes on from a closed run's view (a late final webhook started a new run of its workflow):
   * status, history, times and assets as they were, what the history shows of the bot's admission. What the
   * view does not hold starts afresh: the delivery keys seen (a late event is new to this run) and the time
   * of the newest applied event (a late event is not refused as older than the state it revives).
   */
  static resume(view: MeetingView, options: MeetingOptions = {}): Meeting {
    const meeting = new Meeting(view.provider, view.externalId, options);
    Object.assign(meeting.view, JSON.parse(JSON.stringify(view)) as MeetingView);
    meeting.admission = admissionShownBy(view.history);
    if (meeting.admission === 'admitted') meeting.legacyAdmission = 'admitted';
    return meeting;
  }

  get status(): MeetingStatus {
    return this.view.status;
  }

  get isFinished(): boolean {
    return TERMINAL_STATUSES.has(this.view.status);
  }

  /** The meeting as plain data (a copy: later changes to either do not show in the other). */
  snapshot(): MeetingSnapshot {
    return clone({
      view: this.view,
      admission: this.admission,
      legacyAdmission: this.legacyAdmission,
      ...(this.lastAppliedAt !== undefined ? { lastAppliedAt: this.lastAppliedAt } : {}),
      recentKeys: [...this.recentKeys.keys()],
      finalKeys: [...this.finalKeys],
      ...(this.finalData !== undefined ? { finalData: this.finalData } : {}),
      ...(this.waitingRoomTimeoutSeconds !== undefined
        ? { waitingRoomTimeoutSeconds: this.waitingRoomTimeoutSeconds }
        : {}),
      contact: this.contact,
    });
  }

  /** The meeting a snapshot was taken of, in a new workflow run (the snapshot is copied, not kept). */
  static restore(snapshot: MeetingSnapshot, options: MeetingOptions = {}): Meeting {
    const s = clone(snapshot);
    const meeting = new Meeting(s.view.provider, s.view.externalId, options);
    Object.assign(meeting.view, s.view);
    meeting.admission = s.admission;
    meeting.legacyAdmission = s.legacyAdmission;
    meeting.lastAppliedAt = s.lastAppliedAt;
    for (const key of s.recentKeys) meeting.recentKeys.set(key, true);
    for (const key of s.finalKeys) meeting.finalKeys.add(key);
    meeting.finalData = s.finalData;
    meeting.waitingRoomTimeoutSeconds = s.waitingRoomTimeoutSeconds;
    Object.assign(meeting.contact, s.contact);
    return meeting;
  }

  /** Whether the event's key was seen (remembered); either way it is now the most recently seen. O(1). */
  private seen(event: ProviderEvent): boolean {
    const key = event.dedupeKey;
    if (this.finalKeys.has(key)) return true;
    const known = this.recentKeys.delete(key);
    if (!known && FINAL_EVENTS.has(event.kind) && this.finalKeys.size < MEETING_MEMORY.finalKeys) {
      this.finalKeys.add(key);
      return false;
    }
    this.recentKeys.set(key, true);
    if (this.recentKeys.size > MEETING_MEMORY.dedupeKeys) {
      this.recentKeys.delete(this.recentKeys.keys().next().value!);
    }
    return known;
  }

  apply(event: ProviderEvent): ApplyOutcome {
    if (this.seen(event)) return 'duplicate';
    // News from outside (a webhook, an API answer), not the service's own timers: the live watchdog's clock.
    if (event.source !== 'timer') this.heard(event.receivedAt, `${event.code} (${event.source})`);
    const view = this.view;
    const time = this.placeInTime(event);
    const at = time.at;
    this.waitingRoomTimeoutSeconds ??= event.waitingRoomTimeoutSeconds;
    if (event.title) view.title = event.title;
    // Every delivered event is evidence of admission, applied or not.
    this.admission = admissionAfter(this.admission, event.kind);

    if (END_EVENTS.has(event.kind)) {
      if (event.occurredAt !== undefined) view.endedAt = earliest(view.endedAt, at);
      view.endReason ??= event.endReason;
    }

    let decision = decide({ status: view.status, admission: this.admission }, event.kind);
    // A final-data event after the meeting is final (lifecycle.ts lateCollection): collected after all.
    const late = decision.applied
      ? undefined
      : lateCollection({ status: view.status, errorCode: view.error?.code }, event.kind);
    const revives = late !== undefined && this.applies('late-final-data-collected');
    if (revives) decision = { applied: true, next: { status: late, admission: this.admission } };
    const stale =
      event.occurredAt !== undefined && this.lastAppliedAt !== undefined && ms(at) < ms(this.lastAppliedAt);
    if (
      stale &&
      !revives &&
      !(
        decision.applied &&
        movesForward(view.status, decision.next.status) &&
        this.applies('late-events-move-forward')
      )
    ) {
      this.record(
        event,
        at,
        false,
        joinNotes(time.note, `older than the current state (${this.lastAppliedAt})`),
      );
      return 'recorded';
    }
    if (!decision.applied) {
      this.record(event, at, false, joinNotes(time.note, event.note, decision.note));
      return 'recorded';
    }

    let { next, failure } = decision;
    if (
      event.kind === 'final_data' &&
      this.legacyAdmission === 'refused' &&
      !this.applies('never-admitted-never-completed')
    ) {
      // The rule before: a bot the provider said was refused failed as soon as its final data came.
      next = { status: 'failed', admission: next.admission };
      failure = {
        code: BOT_NOT_ADMITTED,
        message: 'the provider announced final data, but the bot was never admitted to the meeting',
      };
    }
    if (ADMITTING_EVENTS.has(event.kind)) this.legacyAdmission = 'admitted';
    else if (event.kind === 'ended_unadmitted' && this.legacyAdmission !== 'admitted')
      this.legacyAdmission = 'refused';

    this.admission = next.admission;
    // A revived meeting is no longer failed: the failure stays in its history only.
    if (revives && view.status === 'failed') delete view.error;
    view.status = next.status;
    if (event.occurredAt !== undefined) this.lastAppliedAt = latest(this.lastAppliedAt, at);
    if (event.endReason) view.endReason = event.endReason;
    if (START_EVENTS.has(event.kind)) view.startedAt ??= at;

    if (failure) {
      view.error = failure;
    } else if (event.kind === 'final_failure') {
      view.error = event.error ?? { code: event.code, message: 'the provider reported a failure' };
    } else if (event.kind === 'final_data') {
      this.finalData = event;
      view.endedAt ??= event.receivedAt;
      view.recording = event.recording?.url
        ? { status: 'pending', sourceUrlExpiresAt: event.recording.urlExpiresAt }
        : { status: 'unavailable', reason: 'the final data has no recording URL' };
      view.transcript =
        event.hasTranscript && event.payloadRef
          ? { status: 'pending' }
          : {
              status: 'unavailable',
              reason: 'the final data has no transcript (transcription was not enabled)',
            };
    } else if (event.kind === 'collect') {
      // The provider publishes the assets on its own schedule: all three are looked for.
      view.endedAt ??= event.receivedAt;
      view.recording = { status: 'pending' };
      view.transcript = { status: 'pending' };
      view.participants = { status: 'pending' };
    }
    // Final data for a meeting erased before: nothing of it is collected.
    if (view.deletedAt !== undefined) eraseAssets(view, view.deletedAt);
    this.record(event, at, true, joinNotes(time.note, event.note));
    return 'applied';
  }

  /**
   * Where the event goes in time: its provider's timestamp when credible, else its receipt (see
   * provider-time.ts). Before that rule, any timestamp `Date.parse` read was taken as it was.
   */
  private placeInTime(event: ProviderEvent): EventTime {
    const time = eventTime(event.occurredAt, event.receivedAt);
    const { occurredAt } = event;
    if (
      time.note &&
      occurredAt !== undefined &&
      !Number.isNaN(Date.parse(occurredAt)) &&
      !this.applies('provider-time-evidence')
    )
      return { at: occurredAt };
    return time;
  }

  /**
   * Results of collection; once nothing is pending the meeting is `completed`, or `failed` with `failure`
   * when the collector found that nothing could be collected.
   */
  collected(result: {
    recording?: RecordingView;
    transcript?: TranscriptView;
    participants?: ParticipantsView;
    failure?: { code: string; message: string };
  }): void {
    // An erased meeting's assets stay erased, whatever a collection under way brings back.
    if (this.view.deletedAt === undefined) {
      if (result.recording) this.view.recording = result.recording;
      if (result.transcript) this.view.transcript = result.transcript;
      if (result.participants) this.view.participants = result.participants;
    }
    const assets = [this.view.recording, this.view.transcript, this.view.participants];
    if (assets.some((a) => a?.status === 'pending')) return;
    const state = { status: this.view.status, admission: this.admission };
    let decision = decide(state, result.failure ? 'collection_failed' : 'collected', this.presence());
    if (!decision.applied) return;
    // Nothing archived is no completion (a bot never admitted keeps its own failure, bot_not_admitted).
    if (
      !result.failure &&
      !decision.failure &&
      this.nothingArchived &&
      this.applies('transient-not-verdict')
    ) {
      const none = decide(state, 'nothing_archived');
      if (none.applied) decision = { ...none, failure: noAssets(this.view) };
    }
    let { next, failure } = decision;
    if (failure?.code === BOT_NOT_ADMITTED && !this.applies('never-admitted-never-completed')) {
      next = { status: 'completed', admission: next.admission };
      failure = undefined;
    }
    this.admission = next.admission;
    this.view.status = next.status;
    if (result.failure) this.view.error = result.failure;
    else if (failure) this.view.error = failure;
  }

  /**
   * One asset's result while the others are still collected: the view shows it at once (an archived
   * transcript is not `pending` for the hours a recording may be retried). The meeting's status moves only
   * with `collected`, once nothing is pending.
   */
  assetCollected<A extends 'recording' | 'transcript' | 'participants'>(
    asset: A,
    result: MeetingView[A] | undefined,
  ): void {
    if (!result || this.view.status !== 'collecting' || this.view[asset]?.status !== 'pending') return;
    if (this.view.deletedAt !== undefined) return;
    this.view[asset] = result;
  }

  /** Not one asset (recording, transcript, participants) is archived: an internal fact of collection. */
  get nothingArchived(): boolean {
    const { recording, transcript, participants } = this.view;
    return ![recording, transcript, participants].some((a) => a?.status === 'archived');
  }

  /**
   * An asset still pending is being retried after a transient failure (the workflow says why and until
   * when): its view shows it, undefined clears it. Changes nothing else.
   */
  retrying(asset: 'recording' | 'transcript' | 'participants', note: string | undefined): void {
    const view = this.view[asset];
    if (view?.status !== 'pending') return;
    if (note === undefined) delete view.reason;
    else view.reason = note;
  }

  /** What the collected data says about the bot having been in the call. */
  private presence(): PresenceEvidence {
    const { recording, transcript } = this.view;
    const partsSeconds = (recording?.parts ?? []).reduce((sum, p) => sum + (p.durationSeconds ?? 0), 0);
    return {
      recordingSeconds: Math.max(recording?.durationSeconds ?? 0, partsSeconds),
      transcriptUtterances: transcript?.utterances ?? 0,
    };
  }

  /** Something this service did or learnt (not a provider event): in the history, never moving the state. */
  remark(entry: { at: string; code: string; source: ProviderEvent['source']; note: string }): void {
    this.addToHistory({ ...entry, status: this.view.status, applied: false });
  }

  /**
   * The live watchdog asked the provider's API where the meeting stands at `at`, so that the next question
   * waits a full silence period. `answer`, when the answer is not an event of its own: a remark in the
   * history; `goesOn` (the API said the meeting goes on) counts as news from the provider.
   */
  askedProvider(at: string, answer?: { code: string; note: string; goesOn: boolean }): void {
    this.contact.lastAskedAt = latest(this.contact.lastAskedAt, at);
    this.contact.asks = (this.contact.asks ?? 0) + 1;
    if (!answer) return;
    this.remark({ at, code: answer.code, source: 'api', note: answer.note });
    if (answer.goesOn) this.heard(at);
  }

  /**
   * The service stops waiting for a live meeting that never ended (the live watchdog's deadline): the
   * meeting fails with `code`. False when the meeting is no longer live (nothing changes then).
   */
  giveUp(code: string, message: string, at: string): boolean {
    const decision = decide({ status: this.view.status, admission: this.admission }, 'gave_up');
    if (!decision.applied) return false;
    this.view.status = decision.next.status;
    this.view.error = { code, message };
    this.addToHistory({ at, code, status: this.view.status, source: 'timer', applied: true, note: message });
    return true;
  }

  // The service's own findings below go through `apply` as events of its own (source `timer` or `api`), so
  // that they are placed in time, deduplicated and recorded exactly as they were when the workflows sent
  // them as events: runs recorded then restore and replay to the same state.

  /**
   * The meeting ended and its provider publishes the assets on its own schedule (Webex): all three are
   * looked for from now on (`collecting`).
   */
  startCollecting(at: string, note: string): ApplyOutcome {
    return this.apply({
      ...this.ownEvent(at, 'timer'),
      kind: 'collect',
      code: 'collect_assets',
      dedupeKey: 'collect_assets',
      note,
    });
  }

  /** The final-data watchdog gave up: no final data `message` says how long after which status. */
  finalDataMissing(message: string, at: string): ApplyOutcome {
    return this.apply({
      ...this.ownEvent(at, 'timer'),
      kind: 'final_failure',
      code: 'final_event_missing',
      dedupeKey: 'watchdog:final_event_missing',
      error: { code: 'final_event_missing', message },
    });
  }

  /** A look at the provider's API found assets published after the collection (`firstId`: the first one). */
  moreAssetsFound(at: string, firstId: string, note: string): ApplyOutcome {
    return this.apply({
      ...this.ownEvent(at, 'api'),
      kind: 'asset_published',
      code: 'more_assets_found',
      dedupeKey: `more_assets_found:${firstId}`,
      note,
    });
  }

  private ownEvent(receivedAt: string, source: 'timer' | 'api') {
    return { provider: this.view.provider, externalId: this.view.externalId, receivedAt, source };
  }

  /** News from the provider at `at`: an event (`event`: its code and source) or an answer of its API. */
  private heard(at: string, event?: string): void {
    const c = this.contact;
    c.firstHeardAt = earliest(c.firstHeardAt, at);
    c.lastHeardAt = latest(c.lastHeardAt, at);
    if (event !== undefined && (c.lastEventAt === undefined || ms(at) >= ms(c.lastEventAt))) {
      c.lastEvent = event;
      c.lastEventAt = at;
    }
  }

  /**
   * Erasure of the meeting's data was asked for (DELETE …/data), with the provider's copy too when
   * `provider`. The history keeps the request; the view shows it until done.
   */
  erasureRequested(at: string, provider: boolean): void {
    this.view.erasure = { requestedAt: at, ...(provider ? { provider: { status: 'requested', at } } : {}) };
    this.remark({
      at,
      code: 'erasure_requested',
      source: 'api',
      note: `erase the archived data${provider ? " and the provider's copy" : ''} (DELETE …/data)`,
    });
  }

  /**
   * The meeting's archived objects were deleted at `at` (`objects` of them this time): `deletedAt` (the first
   * erasure's time), and every asset `unavailable` (domain/erasure.ts). Idempotent.
   */
  erased(at: string, objects: number): void {
    const view = this.view;
    view.deletedAt ??= at;
    view.erasure = { ...(view.erasure ?? { requestedAt: at }), objectsDeleted: objects };
    eraseAssets(view, view.deletedAt);
    this.remark({ at, code: 'data_erased', source: 'api', note: `${objects} archived object(s) deleted` });
  }

  /** What the provider answered when asked to delete its own copy. */
  providerErased(answer: ProviderErasure): void {
    this.view.erasure = { ...(this.view.erasure ?? { requestedAt: answer.at }), provider: answer };
    this.remark({
      at: answer.at,
      code: `provider_erasure_${answer.status}`,
      source: 'api',
      note: answer.note ?? `the provider's copy: ${answer.status}`,
    });
  }

  /** The provider handed out a new recording URL: its expiry is what the view shows from now on. */
  recordingUrlRefreshed(expiresAt: string): void {
    if (this.view.recording) this.view.recording.sourceUrlExpiresAt = expiresAt;
  }

  private record(event: ProviderEvent, at: string, applied: boolean, note: string | undefined): void {
    this.addToHistory({
      at,
      code: event.code,
      status: this.view.status,
      source: event.source,
      applied,
      ...(note ? { note } : {}),
    });
  }

  /** Appends to the view's history, leaving out entries in the middle past MEETING_HISTORY_LIMITS. */
  private addToHistory(entry: HistoryEntry): void {
    const history = this.view.history;
    history.push(entry);
    const { first, last, slack } = MEETING_HISTORY_LIMITS;
    if (history.length <= first + last + slack) return;
    const omitted = history.length - first - last;
    history.splice(first, omitted);
    this.view.historyOmitted = (this.view.historyOmitted ?? 0) + omitted;
  }
}

/** The `no_assets` failure: why each asset is missing, as the view says. */
function noAssets(view: MeetingView): { code: string; message: string } {
  const why = (['recording', 'transcript', 'participants'] as const)
    .filter((a) => view[a])
    .map((a) => `${a}: ${view[a]?.reason ?? view[a]?.status}`);
  return {
    code: NO_ASSETS,
    message: `nothing could be archived${why.length ? ` (${why.join('; ')})` : ''}`,
  };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const IN_CALL: ReadonlySet<MeetingStatus> = new Set(['in_call', 'recording', 'paused']);
const TRYING: ReadonlySet<MeetingStatus> = new Set(['joining', 'waiting_room']);

/** What a history shows of the bot's admission (for a resumed meeting: the events themselves are gone). */
function admissionShownBy(history: readonly HistoryEntry[]): Admission {
  if (history.some((h) => IN_CALL.has(h.status))) return 'admitted';
  if (history.some((h) => TRYING.has(h.status))) return 'waiting';
  return 'unknown';
}
