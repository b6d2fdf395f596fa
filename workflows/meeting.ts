import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { ReceivedProviderEvent } from '../domain/events';
import { Meeting, type MeetingRule } from '../domain/meeting';
import { isSearchableDate } from '../domain/provider-time';
import { withoutSecrets } from '../domain/redact';
import type { MeetingView } from '../domain/view';
import { watchdogSettingsOf } from '../domain/watchdog';
import { DEFAULT_WEBEX_COLLECTION } from '../domain/webex/collection';
import {
  MeetingEndedAtKey,
  meetingQuery,
  MeetingStatusKey,
  providerEventSignal,
  refreshRecordingUrlUpdate,
  removeBotSignal,
  type MeetingRunState,
  type MeetingWorkflowInput,
  type RecordingUrl,
} from './definitions';
import { reasonOf } from './failure';
import {
  collectMeetingBaas,
  type AssetRetryHooks,
  reconcileMeetingBaas,
  refreshMeetingBaasRecordingUrl,
  removeMeetingBaasBot,
} from './meetingbaas';
import { currentDetails } from './ui';
import {
  askWebexLive,
  awaitFinalData,
  liveAnswerOfReconcile,
  watchLive,
  type LiveWatchHooks,
} from './watchdog';
import {
  collectAnnouncedWebexAssets,
  collectWebex,
  refreshWebexRecordingUrl,
  watchWebexAssets,
  type PublishedCounters,
  type WebexLateHooks,
} from './webex';

// Histories recorded before the watchdogs waited for the final data without any timer.
export const WATCHDOG_PATCH = 'final-data-watchdog';
// Histories recorded before live meetings had a watchdog (silence, meeting deadline: see domain/watchdog.ts).
export const LIVE_WATCHDOG_PATCH = 'live-watchdog';
// Histories recorded before late final data was collected (a revived meeting, Webex assets published after
// the first collection): recorded only, the linger a plain timer.
export const LATE_COLLECTION_PATCH = 'late-final-data-collected';
// Runs that hand over to a new run (continue-as-new) before Temporal's per-execution limits.
export const CONTINUE_AS_NEW_PATCH = 'continue-as-new';
/**
 * When a run hands over to a new one (continue-as-new): whichever comes first, or when Temporal suggests it
 * (`continueAsNewSuggested`, from 10,240 events or 10 MB of history on a default server).
 * - signals: Temporal refuses a signal past 10,000 in one execution (`history.maximumSignalsPerExecution`,
 *   the dev server's default) and the API would answer 503 from then on. Under a storm the handover itself
 *   is the cost to keep small: a signal that arrives while it is decided fails that workflow task
 *   (UnhandledCommand), the worker replays the whole run, and Temporal holds the deliveries meanwhile
 *   (measured, 20 connections on 2 vCPUs: with 2,000 signals a run the hold lasted 2.2 s and some
 *   deliveries passed the API's 5 s deadline; with 1,000, about 1 s and none did). 1,000 also leaves 9,000
 *   for the phases that cannot hand over (an activity running, the assets being collected).
 * - historyEvents: a signal is one event, a workflow task three more; 2,500 events is what 1,000 signals
 *   make at worst, and keeps any replay (a restarted worker, an evicted run) short.
 * - historyBytes: far below the 50 MB limit (10 MB warning); a run starts with its carried state (a bounded
 *   MeetingSnapshot: domain/meeting.ts MEETING_MEMORY and MEETING_HISTORY_LIMITS, 100 to 200 KB at most).
 */
export const RUN_BUDGET = { signals: 1_000, historyEvents: 2_500, historyBytes: 4 * 1024 * 1024 } as const;
// The refreshRecordingUrl Update answers with a URL valid at least this long.
const MIN_URL_VALIDITY_MS = 10 * 60_000;
const REFRESH_SLACK_MS = 60_000;

const nowIso = () => new Date(Date.now()).toISOString();

/**
 * One meeting, from its first webhook to its archived assets. Webhooks arrive as `providerEvent` signals
 * and move the pure `Meeting` state; this function only waits, collects and publishes.
 */
export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingView> {
  // The meeting's newer rules (domain/meeting.ts MEETING_RULES) are patches: asked only where they decide
  // otherwise, so that a history recorded before them replays with the old decision.
  // Late final data is collected in runs started since LATE_COLLECTION_PATCH (asked once, here: the rule and
  // the linger that collects go together).
  const lateCollection = wf.patched(LATE_COLLECTION_PATCH);
  const rules = {
    applies: (rule: MeetingRule) =>
      rule === 'late-final-data-collected' ? lateCollection : wf.patched(rule),
  };
  // A new run for a late final webhook goes on from the closed run's view (MeetingsGateway.deliver).
  // A run continued as new goes on from the state the run before handed over (RUN_BUDGET).
  const carried = input.continued;
  const meeting = carried
    ? Meeting.restore(carried.meeting, rules)
    : input.resumeFrom
      ? Meeting.resume(input.resumeFrom, rules)
      : new Meeting(input.provider, input.externalId, rules);
  let published = carried?.published ?? { status: '', endedAt: '' };
  let recordingUrl: RecordingUrl | undefined;
  let removeRequested = carried?.removeRequested ?? false;
  // Signals this run received, towards RUN_BUDGET.signals.
  let signalsThisRun = 0;
  // The final-data watchdog's status and since when it watches it (carried: a new run does not restart it).
  let watchdogSince = carried?.watchdog;
  // When the linger for late deliveries ends, once started (carried too).
  let lingerUntilMs = carried?.lingerUntilMs;
  // Webex: the recordings found, and the `created` webhooks that end a pause in looking for assets.
  let webexRecordingIds: string[] =
    carried?.webexRecordingIds ?? (input.resumeFrom?.recording?.parts ?? []).map((p) => p.id);
  // Provider events applied in this run (a resumed run waits for the late one it was started with).
  let signalled = 0;
  const webexNotified: PublishedCounters = carried?.webexNotified ?? { recordings: 0, transcripts: 0 };
  // What the workflow's own timers wait for, by topic (watchdog, recording, transcript): the UI shows it.
  const waiting = new Map<string, string>();

  // The current details (Markdown of the whole view) and the log of ignored duplicates are written once per
  // activation, after all its signals: an activation may carry thousands of them, and its handlers must
  // each stay O(1) (the worker's deadlock timeout, 5 s, kills an activation that runs longer, and Node
  // aborts the whole worker when that happens inside a promise hook: issue part 9).
  let detailsStale = true;
  let duplicates: { count: number; code: string; dedupeKey: string } | undefined;
  const showDetails = () => {
    detailsStale = true;
  };
  void (async () => {
    for (;;) {
      await wf.condition(() => detailsStale || duplicates !== undefined);
      if (duplicates) wf.log.info('duplicate delivery ignored', duplicates);
      duplicates = undefined;
      if (detailsStale) wf.setCurrentDetails(currentDetails(meeting.view, [...waiting.values()]));
      detailsStale = false;
    }
  })();
  const showWaiting = (topic: string, note: string | undefined) => {
    if (note === undefined) waiting.delete(topic);
    else waiting.set(topic, note);
    showDetails();
  };
  // Keeps the search attributes and the UI's current details in step with the state.
  const publish = () => {
    const { status, endedAt } = meeting.view;
    const updates: SearchAttributeUpdatePair[] = [];
    if (status !== published.status) {
      updates.push({ key: MeetingStatusKey, value: status });
      // A new status is watched from now on (a status left and entered again starts afresh).
      watchdogSince = undefined;
    }
    if (isSearchableDate(endedAt) && endedAt !== published.endedAt)
      updates.push({ key: MeetingEndedAtKey, value: new Date(endedAt) });
    if (updates.length) wf.upsertSearchAttributes(updates);
    published = { status, endedAt: endedAt ?? '' };
    showDetails();
  };
  const apply = (received: ReceivedProviderEvent) => {
    // Signals from before the issue-12 hygiene may carry the raw body and unredacted provider text.
    const event = withoutSecrets(received);
    signalled++;
    const outcome = meeting.apply(event);
    if (outcome === 'duplicate') {
      duplicates = { count: (duplicates?.count ?? 0) + 1, code: event.code, dedupeKey: event.dedupeKey };
      return;
    }
    if (event.code === 'recordings.created') webexNotified.recordings++;
    if (event.code === 'meetingTranscripts.created') webexNotified.transcripts++;
    publish();
  };

  const webexHooks: WebexLateHooks = {
    apply,
    changed: publish,
    onRecordingIds: (ids) => {
      webexRecordingIds = ids;
    },
    showWaiting,
  };

  wf.setHandler(meetingQuery, () => meeting.view);
  wf.setHandler(providerEventSignal, (event) => {
    signalsThisRun++;
    apply(event);
  });

  wf.setHandler(removeBotSignal, async () => {
    // Once the call is over there is nothing to leave (the provider would answer 409).
    const over = ['ended', 'collecting', 'completed', 'failed'].includes(meeting.status);
    if (removeRequested || over || meeting.view.provider !== 'meetingbaas') return;
    removeRequested = true;
    meeting.remark({
      at: nowIso(),
      code: 'bot_leave_requested',
      source: 'api',
      note: 'asked to remove the bot (DELETE /bots)',
    });
    publish();
    try {
      await removeMeetingBaasBot(meeting.view.externalId);
    } catch (err) {
      meeting.remark({ at: nowIso(), code: 'bot_leave_failed', source: 'api', note: reasonOf(err) });
      publish();
    }
  });

  wf.setHandler(
    refreshRecordingUrlUpdate,
    async () => {
      // The URL handed out is this Update's result: the one signed URL the contract puts into Temporal
      // (with the result of the activity that fetched it), kept until payloads are encrypted (issue 16).
      recordingUrl ??= legacyRecordingUrl(meeting);
      if (
        recordingUrl &&
        Date.parse(recordingUrl.expiresAt) - Date.now() >= MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS
      )
        return recordingUrl;
      const validUntil = new Date(Date.now() + MIN_URL_VALIDITY_MS + REFRESH_SLACK_MS).toISOString();
      const fresh =
        meeting.view.provider === 'webex'
          ? await refreshWebexRecordingUrl(meeting.view.externalId, webexRecordingIds[0]!)
          : await refreshMeetingBaasRecordingUrl(
              meeting.view.externalId,
              storedRecording(meeting, validUntil),
            );
      if (Date.parse(fresh.expiresAt) - Date.now() < MIN_URL_VALIDITY_MS) {
        throw wf.ApplicationFailure.nonRetryable(
          `the provider's new recording URL expires too soon (${fresh.expiresAt})`,
          'RecordingUrlTooShort',
        );
      }
      recordingUrl = fresh;
      meeting.recordingUrlRefreshed(fresh.expiresAt);
      publish();
      return fresh;
    },
    {
      validator: () => {
        const known =
          meeting.view.provider === 'webex'
            ? webexRecordingIds.length > 0
            : !!meeting.finalData?.recording?.url;
        if (!known) throw new Error(`the meeting has no recording URL yet (status ${meeting.status})`);
      },
    },
  );
  // Handing over to a new run (RUN_BUDGET): only between activities, once every handler has finished.
  let activitiesInFlight = 0;
  // A run replayed from a history recorded without the patch never hands over.
  let handOverRefused = false;
  const budget = { ...RUN_BUDGET, ...input.runBudget };
  const budgetSpent = () => {
    if (handOverRefused) return false;
    const info = wf.workflowInfo();
    return (
      info.continueAsNewSuggested ||
      signalsThisRun >= budget.signals ||
      info.historyLength >= budget.historyEvents ||
      info.historySize >= budget.historyBytes
    );
  };
  /** Activities the run must not hand over in the middle of. */
  const inFlight = async <T>(activity: () => Promise<T>): Promise<T> => {
    activitiesInFlight++;
    try {
      return await activity();
    } finally {
      activitiesInFlight--;
    }
  };
  /**
   * Runs `wait` (timers, conditions and `inFlight` activities) to its end, or until the run has spent its
   * budget outside an activity: then `wait` is cancelled and true returned (the caller hands over).
   */
  const unlessHandedOver = async (wait: () => Promise<unknown>): Promise<boolean> => {
    const scope = new wf.CancellationScope();
    let settled = false;
    const running = scope.run(wait);
    const done = () => {
      settled = true;
    };
    running.then(done, done);
    // Not while an activity runs nor while the assets are collected (the collection is not carried over).
    await wf.condition(
      () => settled || (activitiesInFlight === 0 && meeting.status !== 'collecting' && budgetSpent()),
    );
    if (!settled) {
      if (wf.patched(CONTINUE_AS_NEW_PATCH)) {
        scope.cancel();
        try {
          await running;
        } catch (err) {
          if (wf.isCancellation(err)) return true;
          throw err;
        }
        return false;
      }
      handOverRefused = true;
    }
    await running;
    return false;
  };
  /** Continues as new with everything this run kept; signals arriving meanwhile go to the new run. */
  const handOver = async (): Promise<never> => {
    await wf.condition(wf.allHandlersFinished);
    const state: MeetingRunState = {
      meeting: meeting.snapshot(),
      published,
      removeRequested,
      webexRecordingIds,
      webexNotified: { ...webexNotified },
      ...(watchdogSince ? { watchdog: watchdogSince } : {}),
      ...(lingerUntilMs !== undefined ? { lingerUntilMs } : {}),
      runsBefore: (carried?.runsBefore ?? 0) + 1,
    };
    // A resumed run's view is in the snapshot now.
    const settings = { ...input };
    delete settings.resumeFrom;
    const info = wf.workflowInfo();
    wf.log.info('continuing as new', {
      signals: signalsThisRun,
      historyLength: info.historyLength,
      historySize: info.historySize,
      runsBefore: state.runsBefore,
    });
    return wf.makeContinueAsNewFunc<typeof meetingWorkflow>({
      typedSearchAttributes: info.typedSearchAttributes,
    })({ ...settings, continued: state });
  };

  publish();

  if (input.resumeFrom) {
    // Started with the late event as its signal: once applied, collected below (or recorded only).
    await wf.condition(() => signalled > 0, '1 minute');
  } else if (input.provider === 'webex') {
    if (await unlessHandedOver(collectWebexMeeting)) return await handOver();
  } else if (wf.patched(WATCHDOG_PATCH)) {
    const handedOver = await unlessHandedOver(() =>
      awaitFinalData(meeting, watchdogSettingsOf(input.watchdog), {
        reconcile: (ask) => inFlight(() => reconcileMeetingBaas(meeting.view.externalId, ask)),
        since: (status, now) => {
          if (watchdogSince?.status !== status) watchdogSince = { status, sinceMs: now };
          return watchdogSince.sinceMs;
        },
        apply,
        changed: publish,
        waiting: (note) => showWaiting('watchdog', note),
        live: wf.patched(LIVE_WATCHDOG_PATCH)
          ? liveHooks(async (ask) =>
              liveAnswerOfReconcile(await reconcileMeetingBaas(meeting.view.externalId, ask)),
            )
          : undefined,
      }),
    );
    if (handedOver) return await handOver();
  } else {
    const handedOver = await unlessHandedOver(() =>
      wf.condition(() => meeting.status === 'collecting' || meeting.isFinished),
    );
    if (handedOver) return await handOver();
  }
  if (input.provider === 'meetingbaas' && meeting.status === 'collecting') {
    await collectMeetingBaas(meeting, assetRetryHooks());
    publish();
  }

  // Stay a while so that late and duplicate deliveries land in this history instead of a new run.
  if (lateCollection) {
    if (await unlessHandedOver(lingerCollectingLate)) return await handOver();
  } else if (input.lingerSeconds) {
    const lingerMs = lingerFor(input.lingerSeconds);
    const handedOver = await unlessHandedOver(() =>
      wf.sleep(lingerMs, { summary: 'Meeting final: open for late deliveries' }),
    );
    if (handedOver) return await handOver();
  }
  await wf.condition(wf.allHandlersFinished);
  return meeting.view;

  /**
   * The linger, collecting what comes late: a final-data event that moves the meeting back to `collecting`
   * (see lifecycle.ts lateCollection) is collected, then the linger starts again. A resumed run starts here
   * with its late event applied.
   */
  async function lingerCollectingLate(): Promise<void> {
    for (;;) {
      if (meeting.status === 'collecting') {
        lingerUntilMs = undefined;
        if (meeting.view.provider === 'webex')
          await collectAnnouncedWebexAssets(meeting, input.webex ?? DEFAULT_WEBEX_COLLECTION, webexHooks);
        else await collectMeetingBaas(meeting, assetRetryHooks());
        publish();
        // Nothing this run can collect (no final data to work from): the view says so.
        if (meeting.status === 'collecting') return;
        continue;
      }
      if (!input.lingerSeconds) return;
      const reopened = await wf.condition(
        () => meeting.status === 'collecting',
        lingerFor(input.lingerSeconds),
        { summary: 'Meeting final: open for late deliveries' },
      );
      if (!reopened) return;
    }
  }

  /**
   * Meeting BaaS assets: retried until FINAL_DATA_DEADLINE_SECONDS after their collection started (the
   * recording URL is refreshed through the provider, so only the provider keeping the data bounds it).
   */
  function assetRetryHooks(): AssetRetryHooks {
    return {
      deadlineSeconds: watchdogSettingsOf(input.watchdog).finalDataDeadlineSeconds,
      settings: input.assetRetry,
      showWaiting,
      changed: publish,
    };
  }

  /** How long the linger goes on: what is left of the one the run before started, else all of it. */
  function lingerFor(seconds: number): number {
    const ms = lingerUntilMs !== undefined ? Math.max(lingerUntilMs - Date.now(), 1) : seconds * 1000;
    lingerUntilMs = Date.now() + ms;
    return ms;
  }

  /** The live watchdog's hooks (workflows/watchdog.ts watchLive), around the question to the provider. */
  function liveHooks(ask: LiveWatchHooks['ask']): LiveWatchHooks {
    const providerName = meeting.view.provider === 'webex' ? 'Webex' : 'Meeting BaaS';
    return {
      providerName,
      ask: (n) => inFlight(() => ask(n)),
      apply,
      changed: publish,
      waiting: showWaiting,
    };
  }

  /** Webex has no final webhook: once the meeting ended, its assets are looked for until found or late. */
  async function collectWebexMeeting(): Promise<void> {
    if (wf.patched(LIVE_WATCHDOG_PATCH)) {
      // Until it ends: silence and the meeting deadline make Webex's API be asked (its `ended` may be lost).
      const settings = watchdogSettingsOf(input.watchdog);
      const hooks = liveHooks((ask) => askWebexLive(meeting.view.externalId, ask));
      while (await watchLive(meeting, settings, hooks));
    }
    await wf.condition(
      () => meeting.status === 'ended' || meeting.status === 'collecting' || meeting.isFinished,
    );
    if (meeting.status === 'ended') {
      apply({
        provider: 'webex',
        externalId: meeting.view.externalId,
        kind: 'collect',
        code: 'collect_assets',
        receivedAt: nowIso(),
        source: 'timer',
        dedupeKey: 'collect_assets',
        note: 'looking for the recordings, transcript and participants Webex publishes after the meeting',
      });
    }
    if (meeting.status !== 'collecting') return;
    const settings = input.webex ?? DEFAULT_WEBEX_COLLECTION;
    const { deadlineMs } = await collectWebex(
      meeting,
      settings,
      webexNotified,
      (ids) => {
        webexRecordingIds = ids;
      },
      showWaiting,
      input.assetRetry,
    );
    publish();
    // Until the deadline, recordings and transcripts Webex publishes later are collected too.
    if (lateCollection && meeting.view.status === 'completed')
      await inFlight(() => watchWebexAssets(meeting, settings, webexNotified, deadlineMs, webexHooks));
  }
}

/** The signed URL an event from before the issue-12 hygiene carried (newer events never carry one). */
function legacyRecordingUrl(meeting: Meeting): RecordingUrl | undefined {
  const rec = meeting.finalData?.recording;
  return rec?.url && rec.urlExpiresAt && !rec.redacted
    ? { url: rec.url, expiresAt: rec.urlExpiresAt }
    : undefined;
}

/**
 * Where the refresh activity finds the final data's own signed URL (the claim-checked body), to hand it out
 * while it is valid until `validUntil` instead of asking the provider. Legacy events: the provider, as before.
 */
function storedRecording(meeting: Meeting, validUntil: string) {
  const final = meeting.finalData;
  return final?.recording?.redacted && final.payloadRef
    ? { payloadRef: final.payloadRef, expiresAt: final.recording.urlExpiresAt, validUntil }
    : undefined;
}
