// Waiting for a meeting's final data without ever waiting forever: when the provider has been silent too
// long (see domain/watchdog.ts), its API is asked, with backoff, until the data shows up or the deadline
// passes and the meeting fails `final_event_missing`.
import * as wf from '@temporalio/workflow';
import type { ProviderEvent } from '../domain/events';
import type { Meeting } from '../domain/meeting';
import {
  giveUpAfterSeconds,
  reconcileIntervalSeconds,
  watchdogDelaySeconds,
  type WatchdogSettings,
} from '../domain/watchdog';
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
      await wf.condition(moved);
      continue;
    }
    const enteredAt = Date.now();
    hooks.waiting(`watchdog: asks the provider's API at ${isoIn(delay * 1000)} if still ${status} then`);
    const didMove = await wf.condition(moved, delay * 1000, {
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
