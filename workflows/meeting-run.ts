// One run of a meeting's workflow: its state, its handlers (webhook signals, the query, the Update, bot
// removal), and publishing the view (search attributes, the UI's current details), in one place. The
// provider's collector (workflows/collectors.ts) waits for the final data and collects; this class decides
// when the run lingers, and when it hands over to a new run (RUN_BUDGET).
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import { MeetingEndedAtKey, MeetingStatusKey } from '../contract/search-attributes';
import {
  eraseDataSignal,
  meetingQuery,
  providerEventSignal,
  refreshRecordingUrlUpdate,
  removeBotSignal,
  type MeetingRunState,
  type MeetingWorkflowInput,
  type RecordingUrl,
} from '../contract/workflow';
import type { ProviderEvent, ReceivedProviderEvent } from '../domain/events';
import type { ThrownFailureType } from '../domain/failures';
import type { MeetingStatus } from '../domain/lifecycle';
import { Meeting, type MeetingRule } from '../domain/meeting';
import { isSearchableDate } from '../domain/provider-time';
import { withoutSecrets } from '../domain/redact';
import type { MeetingView } from '../domain/view';
import type { MeetingCollector, MeetingRunContext } from './collector';
import { COLLECTORS } from './collectors';
import { MeetingErasure } from './erasure';
import { reasonOf } from './failure';
import { HandoverGate } from './handover-gate';
import { MeetingNotifier } from './notify/meeting-notifier';
import { LATE_COLLECTION_PATCH } from './patches';
import { RUN_BUDGET } from './run-budget';
import { currentDetails } from './ui';

// The refreshRecordingUrl Update answers with a URL valid at least this long.
const MIN_URL_VALIDITY_MS = 10 * 60_000;
const REFRESH_SLACK_MS = 60_000;
// Once the call is over there is no bot to take out (the provider would answer 409).
const CALL_OVER: ReadonlySet<MeetingStatus> = new Set(['ended', 'collecting', 'completed', 'failed']);

const nowIso = () => new Date(Date.now()).toISOString();

export class MeetingRun implements MeetingRunContext {
  readonly meeting: Meeting;
  readonly lateCollection: boolean;
  private readonly collector: MeetingCollector;
  private readonly carried?: MeetingRunState;
  /** The search attributes published so far (carried: a new run does not upsert them again). */
  private published: MeetingRunState['published'];
  private removeRequested: boolean;
  /** The final-data watchdog's status and since when it watches it (carried: a new run does not restart it). */
  private watchdog?: MeetingRunState['watchdog'];
  /** When the linger for late deliveries ends, once started (carried too). */
  private lingerUntilMs?: number;
  private recordingUrl?: RecordingUrl;
  /** Signals this run received, towards RUN_BUDGET.signals. */
  private signalsThisRun = 0;
  /** Provider events applied in this run (a resumed run waits for the late one it was started with). */
  private applied = 0;
  /** What the workflow's own timers wait for, by topic (watchdog, recording, transcript): the UI shows it. */
  private readonly waiting = new Map<string, string>();
  private detailsStale = true;
  private duplicates?: { count: number; code: string; dedupeKey: string };
  private readonly handover: HandoverGate;
  /** Announces the meeting's outcome to NOTIFY_WEBHOOK_URLS (behind NOTIFY_PATCH). */
  private readonly notifier: MeetingNotifier;
  private readonly erasure = new MeetingErasure(this);

  constructor(readonly input: MeetingWorkflowInput) {
    // The meeting's newer rules (domain/meeting.ts MEETING_RULES) are patches: asked only where they decide
    // otherwise, so that a history recorded before them replays with the old decision. Late final data is
    // collected in runs started since LATE_COLLECTION_PATCH (asked once, here: the rule and the linger that
    // collects go together).
    this.lateCollection = wf.patched(LATE_COLLECTION_PATCH);
    const rules = {
      applies: (rule: MeetingRule) =>
        rule === 'late-final-data-collected' ? this.lateCollection : wf.patched(rule),
    };
    // A run continued as new goes on from the state the run before handed over; a new run for a late final
    // webhook from the closed run's view (MeetingsGateway.deliver).
    const carried = input.continued;
    this.carried = carried;
    this.meeting = carried
      ? Meeting.restore(carried.meeting, rules)
      : input.resumeFrom
        ? Meeting.resume(input.resumeFrom, rules)
        : new Meeting(input.provider, input.externalId, rules);
    this.published = carried?.published ?? { status: '', endedAt: '' };
    this.removeRequested = carried?.removeRequested ?? false;
    this.watchdog = carried?.watchdog;
    this.lingerUntilMs = carried?.lingerUntilMs;
    this.handover = new HandoverGate(
      { ...RUN_BUDGET, ...input.runBudget },
      () => this.signalsThisRun,
      // The collection is not carried over: no handover while the assets are collected.
      () => this.meeting.status !== 'collecting',
    );
    this.collector = COLLECTORS[input.provider](this, carried);
    this.notifier = new MeetingNotifier(this, carried?.notify, input.resumeFrom);
    void this.publishDetailsOncePerActivation();
    this.setHandlers();
  }

  /** The run: the collector's part, then the linger, unless the run hands over to a new one first. */
  async execute(): Promise<MeetingView> {
    this.publish();
    if (this.input.resumeFrom) {
      // Started with the late event as its signal: once applied, collected in the linger (or recorded only).
      // Or started to erase a closed meeting (DELETE …/data): once erased, it lingers as the closed run did.
      await wf.condition(() => this.applied > 0 || this.erasure.handled > 0, '1 minute');
    } else if (await this.unlessHandedOver(() => this.collector.untilCollected())) {
      return await this.handOver();
    }
    // Stay a while so that late and duplicate deliveries land in this history instead of a new run.
    if (this.lateCollection) {
      if (await this.unlessHandedOver(() => this.lingerCollectingLate())) return await this.handOver();
    } else if (this.input.lingerSeconds) {
      const lingerMs = this.lingerFor(this.input.lingerSeconds);
      const handedOver = await this.unlessHandedOver(() =>
        wf.sleep(lingerMs, { summary: 'Meeting final: open for late deliveries' }),
      );
      if (handedOver) return await this.handOver();
    }
    await this.notifier.settled();
    await wf.condition(wf.allHandlersFinished);
    return this.notifier.withNotifications(this.meeting.view);
  }

  // --- MeetingRunContext -------------------------------------------------------------------------------

  apply(received: ReceivedProviderEvent): void {
    // Signals from before the issue-12 hygiene may carry the raw body and unredacted provider text.
    const event: ProviderEvent = withoutSecrets(received);
    this.applied++;
    const outcome = this.meeting.apply(event);
    if (outcome === 'duplicate') {
      this.duplicates = {
        count: (this.duplicates?.count ?? 0) + 1,
        code: event.code,
        dedupeKey: event.dedupeKey,
      };
      return;
    }
    this.collector.heard(event);
    this.publish();
  }

  /** Keeps the search attributes and the UI's current details in step with the state. */
  publish(): void {
    const { status, endedAt } = this.meeting.view;
    const updates: SearchAttributeUpdatePair[] = [];
    if (status !== this.published.status) {
      updates.push({ key: MeetingStatusKey, value: status });
      // A new status is watched from now on (a status left and entered again starts afresh).
      this.watchdog = undefined;
    }
    if (isSearchableDate(endedAt) && endedAt !== this.published.endedAt)
      updates.push({ key: MeetingEndedAtKey, value: new Date(endedAt) });
    if (updates.length) wf.upsertSearchAttributes(updates);
    this.published = { status, endedAt: endedAt ?? '' };
    this.detailsStale = true;
  }

  showWaiting(topic: string, note: string | undefined): void {
    if (note === undefined) this.waiting.delete(topic);
    else this.waiting.set(topic, note);
    this.detailsStale = true;
  }

  inFlight<T>(activity: () => Promise<T>): Promise<T> {
    return this.handover.inFlight(activity);
  }

  watchedSince(status: MeetingStatus, now: number): number {
    if (this.watchdog?.status !== status) this.watchdog = { status, sinceMs: now };
    return this.watchdog.sinceMs;
  }

  // --- Handlers ----------------------------------------------------------------------------------------

  private setHandlers(): void {
    wf.setHandler(meetingQuery, () => this.notifier.withNotifications(this.meeting.view));
    wf.setHandler(providerEventSignal, (event) => {
      this.signalsThisRun++;
      this.apply(event);
    });
    wf.setHandler(removeBotSignal, () => this.removeBot());
    wf.setHandler(eraseDataSignal, (request) => this.erasure.request(request));
    wf.setHandler(refreshRecordingUrlUpdate, () => this.refreshRecordingUrl(), {
      validator: () => {
        if (this.meeting.view.deletedAt !== undefined)
          throw new Error(`the meeting's data was erased on request at ${this.meeting.view.deletedAt}`);
        if (!this.collector.knowsRecording())
          throw new Error(`the meeting has no recording URL yet (status ${this.meeting.status})`);
      },
    });
  }

  private async removeBot(): Promise<void> {
    const leave = this.collector.leave?.bind(this.collector);
    if (this.removeRequested || CALL_OVER.has(this.meeting.status) || !leave) return;
    this.removeRequested = true;
    this.meeting.remark({
      at: nowIso(),
      code: 'bot_leave_requested',
      source: 'api',
      note: 'asked to remove the bot (DELETE /bots)',
    });
    this.publish();
    try {
      await leave();
    } catch (err) {
      this.meeting.remark({ at: nowIso(), code: 'bot_leave_failed', source: 'api', note: reasonOf(err) });
      this.publish();
    }
  }

  private async refreshRecordingUrl(): Promise<RecordingUrl> {
    // The URL handed out is this Update's result: the one signed URL the contract puts into Temporal (with
    // the result of the activity that fetched it), kept until payloads are encrypted (issue 16).
    this.recordingUrl ??= legacyRecordingUrl(this.meeting);
    if (
      this.recordingUrl &&
      Date.parse(this.recordingUrl.expiresAt) - Date.now() >= MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS
    )
      return this.recordingUrl;
    const validUntil = new Date(Date.now() + MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS).toISOString();
    const fresh = await this.collector.freshRecordingUrl(validUntil);
    if (Date.parse(fresh.expiresAt) - Date.now() < MIN_URL_VALIDITY_MS) {
      const type: ThrownFailureType = 'RecordingUrlTooShort';
      throw wf.ApplicationFailure.nonRetryable(
        `the provider's new recording URL expires too soon (${fresh.expiresAt})`,
        type,
      );
    }
    this.recordingUrl = fresh;
    this.meeting.recordingUrlRefreshed(fresh.expiresAt);
    this.publish();
    return fresh;
  }

  /**
   * The current details (Markdown of the whole view) and the log of ignored duplicates are written once per
   * activation, after all its signals: an activation may carry thousands of them, and its handlers must
   * each stay O(1) (see worker/worker.ts ACTIVATION_TIME_LIMIT).
   */
  private async publishDetailsOncePerActivation(): Promise<never> {
    for (;;) {
      await wf.condition(() => this.detailsStale || this.duplicates !== undefined);
      if (this.duplicates) wf.log.info('duplicate delivery ignored', this.duplicates);
      this.duplicates = undefined;
      if (this.detailsStale)
        wf.setCurrentDetails(
          currentDetails(this.meeting.view, [...this.waiting.values()], this.collector.endedWaitsFor),
        );
      this.detailsStale = false;
    }
  }

  // --- The linger ----------------------------------------------------------------------------------------

  /**
   * The linger, collecting what comes late: a final-data event that moves the meeting back to `collecting`
   * (see lifecycle.ts lateCollection) is collected, then the linger starts again. A resumed run starts here
   * with its late event applied.
   */
  private async lingerCollectingLate(): Promise<void> {
    const lingerSeconds = this.input.lingerSeconds;
    for (;;) {
      if (this.meeting.status === 'collecting') {
        this.lingerUntilMs = undefined;
        await this.collector.collectLate();
        this.publish();
        // Nothing this run can collect (no final data to work from): the view says so.
        if (this.meeting.status === 'collecting') return;
        continue;
      }
      if (!lingerSeconds) return;
      const reopened = await wf.condition(
        () => this.meeting.status === 'collecting',
        this.lingerFor(lingerSeconds),
        { summary: 'Meeting final: open for late deliveries' },
      );
      if (!reopened) return;
    }
  }

  /** How long the linger goes on: what is left of the one the run before started, else all of it. */
  private lingerFor(seconds: number): number {
    const ms =
      this.lingerUntilMs !== undefined ? Math.max(this.lingerUntilMs - Date.now(), 1) : seconds * 1000;
    this.lingerUntilMs = Date.now() + ms;
    return ms;
  }

  // --- Handing over to a new run (RUN_BUDGET) ------------------------------------------------------------

  private unlessHandedOver(wait: () => Promise<unknown>): Promise<boolean> {
    return this.handover.unlessHandedOver(wait);
  }

  /** Continues as new with everything this run kept; signals arriving meanwhile go to the new run. */
  private async handOver(): Promise<never> {
    await this.notifier.settled();
    await wf.condition(wf.allHandlersFinished);
    const state: MeetingRunState = {
      meeting: this.meeting.snapshot(),
      published: this.published,
      removeRequested: this.removeRequested,
      ...this.collector.carried(),
      ...(this.watchdog ? { watchdog: this.watchdog } : {}),
      ...(this.lingerUntilMs !== undefined ? { lingerUntilMs: this.lingerUntilMs } : {}),
      runsBefore: (this.carried?.runsBefore ?? 0) + 1,
      ...this.notifier.carried(),
    };
    // A resumed run's view is in the snapshot now.
    const settings = { ...this.input };
    delete settings.resumeFrom;
    const info = wf.workflowInfo();
    wf.log.info('continuing as new', {
      signals: this.signalsThisRun,
      historyLength: info.historyLength,
      historySize: info.historySize,
      runsBefore: state.runsBefore,
    });
    return wf.makeContinueAsNewFunc<(input: MeetingWorkflowInput) => Promise<MeetingView>>({
      typedSearchAttributes: info.typedSearchAttributes,
    })({ ...settings, continued: state });
  }
}

/** The signed URL an event from before the issue-12 hygiene carried (newer events never carry one). */
function legacyRecordingUrl(meeting: Meeting): RecordingUrl | undefined {
  const rec = meeting.finalData?.recording;
  return rec?.url && rec.urlExpiresAt && !rec.redacted
    ? { url: rec.url, expiresAt: rec.urlExpiresAt }
    : undefined;
}
