// One meeting's state, fed provider events in whatever order and number they arrive. Pure (no Temporal,
// no I/O, no clock: times come in with the events), so the workflow only has to orchestrate it.
import type { ProviderEvent } from './events';
import { meetingWorkflowId, type Provider } from './workflow-id';
import {
  decide,
  type Admission,
  type LifecycleEvent,
  type MeetingStatus,
  TERMINAL_STATUSES,
} from './lifecycle';
import type { MeetingView, ParticipantsView, RecordingView, TranscriptView } from './view';

export type ApplyOutcome = 'applied' | 'recorded' | 'duplicate';

const END_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['ended', 'ended_unadmitted']);
const START_EVENTS: ReadonlySet<LifecycleEvent> = new Set(['in_call', 'recording']);

const ms = (iso: string) => Date.parse(iso);
const earliest = (a: string | undefined, b: string) => (a === undefined || ms(b) < ms(a) ? b : a);

export class Meeting {
  readonly view: MeetingView;
  private admission: Admission = 'unknown';
  /** Provider timestamp of the newest applied event: anything older is stale. */
  private lastAppliedAt: string | undefined;
  private readonly seen = new Set<string>();
  /** The event that announced the final data, once applied: what collection works from. */
  finalData: ProviderEvent | undefined;
  /** The bot's own waiting-room timeout, when known (bots sent through this service). */
  waitingRoomTimeoutSeconds: number | undefined;

  constructor(provider: Provider, externalId: string) {
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
    const at = event.occurredAt ?? event.receivedAt;
    this.waitingRoomTimeoutSeconds ??= event.waitingRoomTimeoutSeconds;
    if (event.title) view.title = event.title;

    if (END_EVENTS.has(event.kind)) {
      if (event.occurredAt) view.endedAt = earliest(view.endedAt, event.occurredAt);
      view.endReason ??= event.endReason;
    }

    const stale =
      event.occurredAt !== undefined &&
      this.lastAppliedAt !== undefined &&
      ms(event.occurredAt) < ms(this.lastAppliedAt);
    if (stale) {
      this.record(event, at, false, `older than the current state (${this.lastAppliedAt})`);
      return 'recorded';
    }

    const decision = decide({ status: view.status, admission: this.admission }, event.kind);
    if (!decision.applied) {
      this.record(event, at, false, [event.note, decision.note].filter(Boolean).join('; '));
      return 'recorded';
    }

    this.admission = decision.next.admission;
    view.status = decision.next.status;
    if (event.occurredAt) this.lastAppliedAt = event.occurredAt;
    if (event.endReason) view.endReason = event.endReason;
    if (START_EVENTS.has(event.kind)) view.startedAt ??= at;

    if (decision.failure) {
      view.error = decision.failure;
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
    this.record(event, at, true, event.note);
    return 'applied';
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
    const decision = decide(state, result.failure ? 'collection_failed' : 'collected');
    if (!decision.applied) return;
    this.view.status = decision.next.status;
    if (result.failure) this.view.error = result.failure;
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
