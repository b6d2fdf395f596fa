// The live watchdog: a meeting in a live status is watched for silence (SILENCE_TIMEOUT_SECONDS) and for
// its deadline (MEETING_DEADLINE_SECONDS); when one is due, the provider's API is asked where the meeting
// stands, and at the deadline a meeting still live ends `no_end` (see domain/watchdog.ts).
import * as wf from '@temporalio/workflow';
import type { Meeting } from '../../domain/meeting';
import {
  endedFromApi,
  isLive,
  liveWatch,
  liveWatchNotes,
  noEndMessage,
  type EndedFromApi,
  type LiveAnswer,
  type WatchdogSettings,
} from '../../domain/watchdog';
import type { MeetingRunContext } from '../collector';
import { reasonOf } from '../failure';

/** Asks the provider's API where the meeting stands (an activity); `ask` counts the questions. */
export interface AskWhereMeetingStands {
  /** The provider's name in notes: "Meeting BaaS", "Webex". */
  providerName: string;
  /** The `ended` event the API's answer stands for (domain/watchdog.ts endedFromApi). */
  ended: EndedFromApi;
  ask: (ask: number) => Promise<LiveAnswer>;
}

const nowIso = () => new Date(Date.now()).toISOString();

/**
 * One round of the live watchdog (domain/watchdog.ts liveWatch): waits until the meeting's status changes
 * or the silence or the meeting deadline is due, and acts on that. News heard meanwhile does not restart
 * the timer (a delivery storm would make a timer per webhook): when it fires, the times are looked at
 * again. False, at once, when the status is not watched.
 */
export async function watchLive(
  run: MeetingRunContext,
  settings: WatchdogSettings,
  asking: AskWhereMeetingStands,
): Promise<boolean> {
  const { meeting } = run;
  const status = meeting.status;
  const watch = liveWatch(status, contactTimes(meeting), settings);
  if (!watch) return false;
  const notes = liveWatchNotes(watch, asking.providerName);
  run.showWaiting('silence', notes.silence);
  run.showWaiting('deadline', notes.deadline);
  const wait = Math.max(watch.atMs - Date.now(), 1000);
  const moved = await wf.condition(() => meeting.status !== status, wait, {
    summary:
      watch.reason === 'silence'
        ? `Live watchdog: in ${Math.round(wait / 1000)} s, ask ${asking.providerName} if nothing was heard`
        : `Live watchdog: in ${Math.round(wait / 1000)} s, ask ${asking.providerName} a last time, then give up`,
  });
  run.showWaiting('silence', undefined);
  run.showWaiting('deadline', undefined);
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
        ? `nothing heard for ${settings.silenceTimeoutSeconds} s while ${status}: asking ${asking.providerName} where the meeting stands`
        : `the meeting has not ended ${settings.meetingDeadlineSeconds} s after its first event: asking ${asking.providerName} a last time`,
  });
  run.publish();
  const lastAnswer = await askLive(run, asking);
  if (due.reason === 'deadline' && isLive(meeting.status)) {
    meeting.giveUp('no_end', noEndMessage(settings, heardBefore, lastAnswer), nowIso());
    run.publish();
  }
  return true;
}

/** Asks the provider's API once and acts on the answer; returns the answer, for a `no_end` message. */
async function askLive(run: MeetingRunContext, asking: AskWhereMeetingStands): Promise<string> {
  const { meeting } = run;
  const { provider, externalId } = meeting.view;
  let answer: LiveAnswer;
  try {
    answer = await run.inFlight(() => asking.ask((meeting.contact.asks ?? 0) + 1));
  } catch (err) {
    // Retries are spent or retrying cannot help (401/403/404): say so, ask again after another silence.
    const reason = reasonOf(err);
    meeting.askedProvider(nowIso(), { code: 'reconcile_failed', note: reason, goesOn: false });
    run.publish();
    return reason;
  }
  const at = nowIso();
  if (answer.outcome === 'live') {
    meeting.askedProvider(at, { code: 'provider_says_live', note: answer.detail, goesOn: true });
    run.publish();
    return answer.detail;
  }
  // An event of its own (final data, a failure, the end): in the history as such.
  meeting.askedProvider(at);
  if (answer.outcome === 'event') run.apply(answer.event);
  else run.apply(endedFromApi(provider, externalId, at, answer.detail, asking.ended));
  run.publish();
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
