// Waiting for a meeting's final data without ever waiting forever: when the provider has been silent too
// long (see domain/watchdog.ts), its API is asked, with backoff, until the data shows up or the deadline
// passes and the meeting fails `final_event_missing`.
import * as wf from '@temporalio/workflow';
import type { ProviderEvent } from '../../domain/events';
import type { Meeting } from '../../domain/meeting';
import {
  giveUpAfterSeconds,
  reconcileIntervalSeconds,
  watchdogDelaySeconds,
  type WatchdogSettings,
} from '../../domain/watchdog';
import type { MeetingRunContext } from '../collector';
import { isPermanent, reasonOf } from '../failure';
import { watchLive, type AskWhereMeetingStands } from './live';

/** The provider's answer to "where is the final data?": the event that carries it, or why not yet. */
export type FinalDataAnswer =
  { outcome: 'event'; event: ProviderEvent } | { outcome: 'pending'; detail: string };

export interface FinalDataWatch {
  /** Asks the provider's API for the final data (an activity); `ask` counts the questions of this round. */
  askFinalData: (ask: number) => Promise<FinalDataAnswer>;
  /** The live watchdog's question (silence and meeting deadline) for statuses without a watchdog of their own. */
  askLive?: AskWhereMeetingStands;
}

const nowIso = () => new Date(Date.now()).toISOString();
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const isFinal = (meeting: Meeting) => meeting.status === 'collecting' || meeting.isFinished;

/** Resolves once the meeting is collecting or final. */
export async function awaitFinalData(
  run: MeetingRunContext,
  settings: WatchdogSettings,
  watch: FinalDataWatch,
): Promise<void> {
  const { meeting } = run;
  while (!isFinal(meeting)) {
    const status = meeting.status;
    const moved = () => isFinal(meeting) || meeting.status !== status;
    const delay = watchdogDelaySeconds(status, settings, meeting.waitingRoomTimeoutSeconds);
    if (delay === undefined) {
      if (!watch.askLive || !(await watchLive(run, settings, watch.askLive))) await wf.condition(moved);
      continue;
    }
    const enteredAt = run.watchedSince(status, Date.now());
    run.showWaiting(
      'watchdog',
      `watchdog: asks the provider's API at ${isoIn(delay * 1000)} if still ${status} then`,
    );
    const didMove = await wf.condition(moved, Math.max(delay * 1000 - (Date.now() - enteredAt), 1), {
      summary: `Watchdog: in ${delay} s, ask the provider's API if still ${status}`,
    });
    run.showWaiting('watchdog', undefined);
    if (didMove) continue;
    const deadlineSeconds = giveUpAfterSeconds(settings, delay);
    await askUntilDeadline(run, settings, watch, {
      moved,
      giveUpAt: enteredAt + deadlineSeconds * 1000,
      deadlineSeconds,
      silentFor: delay,
    });
  }
}

/** What the provider's API said last, and whether asking it again can help. */
interface Answers {
  last: string;
  /** Set once asking cannot help (401/403/404): only webhooks can move the meeting then. */
  unaskable?: string;
}

/** Asks the provider's API, with backoff, until the meeting moves or `round.giveUpAt`: then it fails. */
async function askUntilDeadline(
  run: MeetingRunContext,
  settings: WatchdogSettings,
  watch: FinalDataWatch,
  round: { moved: () => boolean; giveUpAt: number; deadlineSeconds: number; silentFor: number },
): Promise<void> {
  const { meeting } = run;
  const status = meeting.status;
  meeting.remark({
    at: nowIso(),
    code: 'watchdog',
    source: 'timer',
    note: `no news from the provider for ${round.silentFor} s while ${status}: asking its API`,
  });
  run.publish();

  const answers: Answers = { last: 'not asked' };
  for (let attempt = 0; ; attempt++) {
    if (!answers.unaskable) await askOnce(run, watch, attempt + 1, answers);
    if (round.moved()) return;
    const left = round.giveUpAt - Date.now();
    if (left <= 0) break;
    const pause = Math.min(reconcileIntervalSeconds(settings, attempt) * 1000, left);
    const giveUpAt = new Date(round.giveUpAt).toISOString();
    run.showWaiting(
      'watchdog',
      answers.unaskable
        ? `watchdog: the provider's API cannot be asked (${answers.unaskable}); waiting for webhooks until ${giveUpAt}`
        : `watchdog: the final data is still missing; asking the provider's API again at ${isoIn(pause)}` +
            ` (gives up at ${giveUpAt})`,
    );
    const didMove = await wf.condition(round.moved, pause, {
      summary: answers.unaskable
        ? `Wait ${Math.round(pause / 1000)} s more for the provider's webhooks`
        : `Ask the provider's API again in ${Math.round(pause / 1000)} s`,
    });
    run.showWaiting('watchdog', undefined);
    if (didMove) return;
  }

  meeting.finalDataMissing(
    `no final data within ${round.deadlineSeconds} s of the meeting reaching ${status};` +
      ` the provider's API last said: ${answers.last}`,
    nowIso(),
  );
  run.publish();
}

/** One question for the final data: an event found is applied, any other answer kept in `answers`. */
async function askOnce(run: MeetingRunContext, watch: FinalDataWatch, ask: number, answers: Answers) {
  try {
    const result = await run.inFlight(() => watch.askFinalData(ask));
    if (result.outcome === 'event') {
      run.apply(result.event);
      run.publish();
    } else {
      answers.last = result.detail;
    }
  } catch (err) {
    // Retries are spent or retrying cannot help (401/403/404): say so, keep waiting for webhooks.
    answers.last = reasonOf(err);
    if (isPermanent(err)) answers.unaskable = answers.last;
    run.meeting.remark({ at: nowIso(), code: 'reconcile_failed', source: 'api', note: answers.last });
    run.publish();
  }
}
