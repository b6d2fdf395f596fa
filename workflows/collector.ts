// What a meeting's run offers the parts that work for it (the watchdogs, the providers' collectors), and
// what a provider's collector offers the run. A provider is one collector (workflows/<provider>/) and its
// entry in workflows/collectors.ts; the run itself never asks which provider it serves.
import type { ProviderEvent } from '../domain/events';
import type { MeetingStatus } from '../domain/lifecycle';
import type { Meeting } from '../domain/meeting';
import type { MeetingRunState, MeetingWorkflowInput, RecordingUrl } from '../contract/workflow';

/** The meeting's run, as its watchdogs and collector see it. */
export interface MeetingRunContext {
  readonly meeting: Meeting;
  readonly input: MeetingWorkflowInput;
  /** Whether this run collects final data that comes late (a patch, asked once per run). */
  readonly lateCollection: boolean;
  /** Applies an event (a webhook's, or one found by asking the provider) and publishes the view. */
  apply(event: ProviderEvent): void;
  /** Publishes the view (search attributes, the UI's details) after the meeting changed. */
  publish(): void;
  /** What `topic` waits for now, for the UI's current details (undefined: nothing any more). */
  showWaiting(topic: string, note: string | undefined): void;
  /** Runs an activity the run must not hand over to a new run in the middle of. */
  inFlight<T>(activity: () => Promise<T>): Promise<T>;
  /**
   * Since when (ms since the epoch) the final-data watchdog watches `status`, `now` if it starts now: a run
   * continued as new goes on counting from the run before.
   */
  watchedSince(status: MeetingStatus, now: number): number;
}

/** One provider's part of a meeting's run: waiting for its final data, and collecting its assets. */
export interface MeetingCollector {
  /** "Meeting BaaS", "Webex": in notes and summaries. */
  readonly providerName: string;
  /** What an `ended` meeting waits for with this provider, for the UI's current details. */
  readonly endedWaitsFor: string;
  /**
   * From the meeting's first event until its assets are collected, or it ended without them: the
   * watchdogs, then the collection. The run may hand over to a new run while this waits (not while an
   * activity runs or the assets are being collected).
   */
  untilCollected(): Promise<void>;
  /** The meeting back to `collecting` after its collection (final data that came late): collected. */
  collectLate(): Promise<void>;
  /** An event the meeting applied (not a duplicate): a collector may be waiting for it. */
  heard(event: ProviderEvent): void;
  /** Whether the provider can be asked for a recording URL (the refreshRecordingUrl Update's validator). */
  knowsRecording(): boolean;
  /** A recording URL valid until at least `validUntil`, from the provider (the refreshRecordingUrl Update). */
  freshRecordingUrl(validUntil: string): Promise<RecordingUrl>;
  /** Takes the service's bot out of the meeting, where the provider has one (DELETE /bots). */
  leave?(): Promise<void>;
  /** What this collector carries to the run after it (continue-as-new). */
  carried(): Partial<Pick<MeetingRunState, 'webexRecordingIds' | 'webexNotified' | 'webexAssetDeadlineMs'>>;
}

export type CollectorFactory = (run: MeetingRunContext, carried?: MeetingRunState) => MeetingCollector;
