// One meeting's state, fed provider events in whatever order and number they arrive. Pure (no Temporal,
// no I/O, no clock: times come in with the events), so the workflow only has to orchestrate it.
import type { ProviderEvent } from './events';
import { meetingWorkflowId, type Provider } from './workflow-id';
import {
  ADMITTING_EVENTS,
  admissionAfter,
  BOT_NOT_ADMITTED,
  decide,
  movesForward,
  type Admission,
  type LifecycleEvent,
  type MeetingStatus,
  type PresenceEvidence,
  TERMINAL_STATUSES,
} from './lifecycle';
import { eventTime, type EventTime } from './provider-time';
import type { MeetingView, ParticipantsView, RecordingView, TranscriptView } from './view';

export type ApplyOutcome = 'applied' | 'recorded' | 'duplicate';

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
 *   said was refused, failed at once when its final data came).
 */
export const MEETING_RULES = [
  'provider-time-evidence',
  'late-events-move-forward',
  'never-admitted-never-completed',
] as const;
export type MeetingRule = (typeof MEETING_RULES)[number];

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
  private readonly seen = new Set<string>();
  private readonly applies: (rule: MeetingRule) => boolean;
  /** The event that announced the final data, once applied: what collection works from. */
  finalData: ProviderEvent | undefined;
  /** The bot's own waiting-room timeout, when known (bots sent through this service). */
  waitingRoomTimeoutSeconds: number | undefined;

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

  get status(): MeetingStatus {
    return this.view.status;
  }

  get isFinished(): boolean {
    return TERMINAL_STATUSES.has(this.view.status);
  }

  apply(event: ProviderEvent): ApplyOutcome {
    if (this.seen.has(event.dedupeKey)) return 'duplicate';
    this.seen.add(event.dedupeKey);
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

    const decision = decide({ status: view.status, admission: this.admission }, event.kind);
    const stale =
      event.occurredAt !== undefined && this.lastAppliedAt !== undefined && ms(at) < ms(this.lastAppliedAt);
    if (
      stale &&
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
    if (result.recording) this.view.recording = result.recording;
    if (result.transcript) this.view.transcript = result.transcript;
    if (result.participants) this.view.participants = result.participants;
    const assets = [this.view.recording, this.view.transcript, this.view.participants];
    if (assets.some((a) => a?.status === 'pending')) return;
    const state = { status: this.view.status, admission: this.admission };
    const decision = decide(state, result.failure ? 'collection_failed' : 'collected', this.presence());
    if (!decision.applied) return;
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
    this.view.history.push({ ...entry, status: this.view.status, applied: false });
  }

  /** The provider handed out a new recording URL: its expiry is what the view shows from now on. */
  recordingUrlRefreshed(expiresAt: string): void {
    if (this.view.recording) this.view.recording.sourceUrlExpiresAt = expiresAt;
  }

  private record(event: ProviderEvent, at: string, applied: boolean, note: string | undefined): void {
    this.view.history.push({
      at,
      code: event.code,
      status: this.view.status,
      source: event.source,
      applied,
      ...(note ? { note } : {}),
    });
  }
}
