// Waiting for a meeting's final data without ever waiting forever: when the provider has been silent too
// long (see domain/watchdog.ts), its API is asked, with backoff, until the data shows up or the deadline
// passes and the meeting fails `final_event_missing`.
import * as wf from '@temporalio/workflow';
import type { ProviderEvent } from '../domain/events';
import type { MeetingStatus } from '../domain/lifecycle';
import type { Meeting } from '../domain/meeting';
import {
  endedFromApi,
  giveUpAfterSeconds,
  isLive,
  liveWatch,
  liveWatchNotes,
  noEndMessage,
  reconcileIntervalSeconds,
  watchdogDelaySeconds,
  type LiveAnswer,
  type WatchdogSettings,
  webexLiveAnswer,
} from '../domain/watchdog';
import type { Activities } from '../activities';
import type { ReconcileResult } from '../activities/meetingbaas/provider';
import { isPermanent, reasonOf } from './failure';

export interface WatchdogHooks {
  /** Asks the provider's API for the final data (an activity); `ask` counts the questions of this round. */
  reconcile: (ask: number) => Promise<ReconcileResult>;
  /** Applies an event found by reconciling, as if it had been signalled. */
  apply: (event: ProviderEvent) => void;
  /** Called after the watchdog changed the meeting (publish the view). */
  changed: () => void;
  /** What the watchdog waits for now, for the UI's current details (undefined: nothing). */
  waiting: (note: string | undefined) => void;
  /** The live watchdog (silence and meeting deadline) of statuses with no watchdog of their own, if on. */
  live?: LiveWatchHooks;
  /**
   * When the watchdog started watching `status` (ms since the epoch), `now` if it starts now: a run continued
   * as new goes on counting from its run before (workflows/meeting.ts RUN_BUDGET). Unset: now.
   */
  since?: (status: MeetingStatus, now: number) => number;
}

const nowIso = () => new Date(Date.now()).toISOString();
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Resolves once the meeting is collecting or final. */
export async function awaitFinalData(
  meeting: Meeting,
  settings: WatchdogSettings,
  hooks: WatchdogHooks,
): Promise<void> {
  const final = () => meeting.status === 'collecting' || meeting.isFinished;
  while (!final()) {
    const status = meeting.status;
    const moved = () => final() || meeting.status !== status;
    const delay = watchdogDelaySeconds(status, settings, meeting.waitingRoomTimeoutSeconds);
    if (delay === undefined) {
      if (!hooks.live || !(await watchLive(meeting, settings, hooks.live))) await wf.condition(moved);
      continue;
    }
    const enteredAt = hooks.since?.(status, Date.now()) ?? Date.now();
    hooks.waiting(`watchdog: asks the provider's API at ${isoIn(delay * 1000)} if still ${status} then`);
    const didMove = await wf.condition(moved, Math.max(delay * 1000 - (Date.now() - enteredAt), 1), {
      summary: `Watchdog: in ${delay} s, ask the provider's API if still ${status}`,
    });
    hooks.waiting(undefined);
    if (didMove) continue;
    const deadlineSeconds = giveUpAfterSeconds(settings, delay);
    await reconcile(meeting, settings, hooks, {
      moved,
      giveUpAt: enteredAt + deadlineSeconds * 1000,
      deadlineSeconds,
      silentFor: delay,
    });
  }
}

async function reconcile(
  meeting: Meeting,
  settings: WatchdogSettings,
  hooks: WatchdogHooks,
  watch: { moved: () => boolean; giveUpAt: number; deadlineSeconds: number; silentFor: number },
): Promise<void> {
  const status = meeting.status;
  meeting.remark({
    at: nowIso(),
    code: 'watchdog',
    source: 'timer',
    note: `no news from the provider for ${watch.silentFor} s while ${status}: asking its API`,
  });
  hooks.changed();

  let apiError: string | undefined;
  let lastAnswer = 'not asked';
  for (let attempt = 0; ; attempt++) {
    if (!apiError) {
      try {
        const result = await hooks.reconcile(attempt + 1);
        if (result.outcome === 'event') {
          hooks.apply(result.event);
          hooks.changed();
        } else {
          lastAnswer = result.detail;
        }
      } catch (err) {
        // Retries are spent or retrying cannot help (401/403/404): say so, keep waiting for webhooks.
        lastAnswer = reasonOf(err);
        if (isPermanent(err)) apiError = lastAnswer;
        meeting.remark({ at: nowIso(), code: 'reconcile_failed', source: 'api', note: lastAnswer });
        hooks.changed();
      }
    }
    if (watch.moved()) return;
    const left = watch.giveUpAt - Date.now();
    if (left <= 0) break;
    const pause = Math.min(reconcileIntervalSeconds(settings, attempt) * 1000, left);
    const giveUpAt = new Date(watch.giveUpAt).toISOString();
    hooks.waiting(
      apiError
        ? `watchdog: the provider's API cannot be asked (${apiError}); waiting for webhooks until ${giveUpAt}`
        : `watchdog: the final data is still missing; asking the provider's API again at ${isoIn(pause)}` +
            ` (gives up at ${giveUpAt})`,
    );
    const didMove = await wf.condition(watch.moved, pause, {
      summary: apiError
        ? `Wait ${Math.round(pause / 1000)} s more for the provider's webhooks`
        : `Ask the provider's API again in ${Math.round(pause / 1000)} s`,
    });
    hooks.waiting(undefined);
    if (didMove) return;
  }

  const at = nowIso();
  hooks.apply({
    provider: meeting.view.provider,
    externalId: meeting.view.externalId,
    kind: 'final_failure',
    code: 'final_event_missing',
    receivedAt: at,
    source: 'timer',
    dedupeKey: 'watchdog:final_event_missing',
    error: {
      code: 'final_event_missing',
      message:
        `no final data within ${watch.deadlineSeconds} s of the meeting reaching ${status};` +
        ` the provider's API last said: ${lastAnswer}`,
    },
  });
  hooks.changed();
}

// Where a Webex meeting stands, asked by the live watchdog: retried as the reconcile questions are.
const { webexMeetingState } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** `ask`: the how-manieth question of the live watchdog. */
export const askWebexLive = async (meetingId: string, ask: number): Promise<LiveAnswer> => {
  const { state } = await webexMeetingState.executeWithOptions(
    { summary: `Ask Webex where the meeting webex:${meetingId} stands (ask ${ask})` },
    [{ meetingId }],
  );
  return webexLiveAnswer(state);
};

/** What Meeting BaaS's reconcile answer means for a live meeting: data or failure, the bot left, or still in. */
export function liveAnswerOfReconcile(result: ReconcileResult): LiveAnswer {
  if (result.outcome === 'event') return result;
  return result.inCall === false
    ? { outcome: 'ended', detail: result.detail }
    : { outcome: 'live', detail: result.detail };
}

export interface LiveWatchHooks {
  /** The provider's name in notes: "Meeting BaaS", "Webex". */
  providerName: string;
  /** Asks the provider's API where the meeting stands (an activity); `ask` counts the questions. */
  ask: (ask: number) => Promise<LiveAnswer>;
  /** Applies an event found by asking, as if it had been signalled. */
  apply: (event: ProviderEvent) => void;
  /** Called after the watchdog changed the meeting (publish the view). */
  changed: () => void;
  /** What each part of the live watchdog waits for, for the UI's current details (undefined: nothing). */
  waiting: (topic: 'silence' | 'deadline', note: string | undefined) => void;
}

/**
 * One round of the live watchdog (domain/watchdog.ts liveWatch): waits until the meeting's status changes
 * or the silence or the meeting deadline is due, and acts on that. News heard meanwhile does not restart
 * the timer (a delivery storm would make a timer per webhook): when it fires, the times are looked at
 * again. False, at once, when the status is not watched.
 */
export async function watchLive(
  meeting: Meeting,
  settings: WatchdogSettings,
  hooks: LiveWatchHooks,
): Promise<boolean> {
  const status = meeting.status;
  const watch = liveWatch(status, contactTimes(meeting), settings);
  if (!watch) return false;
  const notes = liveWatchNotes(watch, hooks.providerName);
  hooks.waiting('silence', notes.silence);
  hooks.waiting('deadline', notes.deadline);
  const wait = Math.max(watch.atMs - Date.now(), 1000);
  const moved = await wf.condition(() => meeting.status !== status, wait, {
    summary:
      watch.reason === 'silence'
        ? `Live watchdog: in ${Math.round(wait / 1000)} s, ask ${hooks.providerName} if nothing was heard`
        : `Live watchdog: in ${Math.round(wait / 1000)} s, ask ${hooks.providerName} a last time, then give up`,
  });
  hooks.waiting('silence', undefined);
  hooks.waiting('deadline', undefined);
  if (moved) return true;
  const due = liveWatch(status, contactTimes(meeting), settings);
  // Heard from meanwhile: the silence starts again.
  if (!due || due.atMs > Date.now()) return true;

  const heardBefore = { ...meeting.contact };
  meeting.remark({
    at: nowIso(),
    code: 'watchdog',
    source: 'timer',
    note:
      due.reason === 'silence'
        ? `nothing heard for ${settings.silenceTimeoutSeconds} s while ${status}: asking ${hooks.providerName} where the meeting stands`
        : `the meeting has not ended ${settings.meetingDeadlineSeconds} s after its first event: asking ${hooks.providerName} a last time`,
  });
  hooks.changed();
  const lastAnswer = await askLive(meeting, hooks);
  if (due.reason === 'deadline' && isLive(meeting.status)) {
    meeting.giveUp('no_end', noEndMessage(settings, heardBefore, lastAnswer), nowIso());
    hooks.changed();
  }
  return true;
}

/** Asks the provider's API once and acts on the answer; returns the answer, for a `no_end` message. */
async function askLive(meeting: Meeting, hooks: LiveWatchHooks): Promise<string> {
  const { provider, externalId } = meeting.view;
  let answer: LiveAnswer;
  try {
    answer = await hooks.ask((meeting.contact.asks ?? 0) + 1);
  } catch (err) {
    // Retries are spent or retrying cannot help (401/403/404): say so, ask again after another silence.
    const reason = reasonOf(err);
    meeting.askedProvider(nowIso(), { code: 'reconcile_failed', note: reason, goesOn: false });
    hooks.changed();
    return reason;
  }
  const at = nowIso();
  if (answer.outcome === 'live') {
    meeting.askedProvider(at, { code: 'provider_says_live', note: answer.detail, goesOn: true });
    hooks.changed();
    return answer.detail;
  }
  // An event of its own (final data, a failure, the end): in the history as such.
  meeting.askedProvider(at);
  if (answer.outcome === 'event') hooks.apply(answer.event);
  else hooks.apply(endedFromApi(provider, externalId, at, answer.detail));
  hooks.changed();
  return answer.outcome === 'event' ? (answer.event.note ?? answer.event.code) : answer.detail;
}

function contactTimes(meeting: Meeting) {
  const c = meeting.contact;
  const started = wf.workflowInfo().runStartTime.getTime();
  const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
  return {
    firstHeardMs: ms(c.firstHeardAt) ?? started,
    lastHeardMs: ms(c.lastHeardAt) ?? started,
    lastAskedMs: ms(c.lastAskedAt),
  };
}
