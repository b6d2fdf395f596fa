// When a meeting that waits for its provider has waited too long. Pure: the workflow supplies the times.
import type { ProviderEvent } from './events';
import { MEETING_STATUSES, type MeetingStatus } from './lifecycle';
import type { Provider } from './workflow-id';

export interface WatchdogSettings {
  /** After the call ended: how long to wait for the final webhook before asking the provider's API. */
  finalDataTimeoutSeconds: number;
  /** Counted from the same moment: when to stop asking and fail the meeting `final_event_missing`. */
  finalDataDeadlineSeconds: number;
  /** The bot's waiting-room timeout when its request did not set one. */
  waitingRoomTimeoutSeconds: number;
  /** Slack on top of the provider's own timeouts. */
  graceSeconds: number;
  /** First pause between two questions to the API; it doubles up to MAX_RECONCILE_INTERVAL_SECONDS. */
  reconcileIntervalSeconds: number;
  /** While live: how long the provider may stay silent before its API is asked where the meeting stands. */
  silenceTimeoutSeconds: number;
  /** Counted from the meeting's first event: when a meeting that never ended fails `no_end`. */
  meetingDeadlineSeconds: number;
}

export const DEFAULT_WATCHDOG: WatchdogSettings = {
  finalDataTimeoutSeconds: 1800,
  finalDataDeadlineSeconds: 86_400,
  waitingRoomTimeoutSeconds: 600,
  graceSeconds: 300,
  reconcileIntervalSeconds: 60,
  silenceTimeoutSeconds: 7200,
  meetingDeadlineSeconds: 86_400,
};

/**
 * The settings a workflow runs with: those of its input over the defaults (a run started before a setting
 * existed has none of it in its input).
 */
export function watchdogSettingsOf(input: Partial<WatchdogSettings> | undefined): WatchdogSettings {
  return { ...DEFAULT_WATCHDOG, ...input };
}

export const MAX_RECONCILE_INTERVAL_SECONDS = 1800;

/**
 * How long a meeting may stay in `status` without news before the provider's API is asked, or undefined
 * when silence is normal there (a call in progress sends nothing for hours).
 * - ended: the final webhook is due;
 * - waiting_room: the bot leaves by itself after its waiting-room timeout, then reports; past that, ask.
 */
export function watchdogDelaySeconds(
  status: MeetingStatus,
  settings: WatchdogSettings,
  waitingRoomTimeoutSeconds?: number,
): number | undefined {
  switch (status) {
    case 'ended':
      return settings.finalDataTimeoutSeconds;
    case 'waiting_room':
      return (waitingRoomTimeoutSeconds ?? settings.waitingRoomTimeoutSeconds) + settings.graceSeconds;
    default:
      return undefined;
  }
}

/** The pause before the n-th (0-based) repeated question to the provider's API. */
export function reconcileIntervalSeconds(settings: WatchdogSettings, attempt: number): number {
  return Math.min(settings.reconcileIntervalSeconds * 2 ** attempt, MAX_RECONCILE_INTERVAL_SECONDS);
}

/** The seconds a final-data wait may last in total, from the moment the watched status was entered. */
export function giveUpAfterSeconds(settings: WatchdogSettings, watchdogDelay: number): number {
  return Math.max(settings.finalDataDeadlineSeconds, watchdogDelay);
}

/** Live: before the call is over, when only the provider's webhooks say where the meeting stands. */
export const LIVE_STATUSES: ReadonlySet<MeetingStatus> = new Set(
  MEETING_STATUSES.slice(0, MEETING_STATUSES.indexOf('ended')),
);

export function isLive(status: MeetingStatus): boolean {
  return LIVE_STATUSES.has(status);
}

/** When the provider was heard from, as the live watchdog counts (ms since the epoch). */
export interface ContactTimes {
  /** The meeting's first event (else the moment the workflow started). */
  firstHeardMs: number;
  /** Its newest event, or the newest answer of the provider's API that the meeting goes on. */
  lastHeardMs: number;
  /** The newest question of the live watchdog to the provider's API, answered or not. */
  lastAskedMs?: number;
}

/** What the live watchdog waits for next. */
export interface LiveWatch {
  /**
   * silence: nothing heard for `silenceTimeoutSeconds`, ask the provider's API where the meeting stands;
   * deadline: `meetingDeadlineSeconds` after the first event, ask a last time, then give up (`no_end`).
   */
  reason: 'silence' | 'deadline';
  /** When the next of the two fires. */
  atMs: number;
  silenceAtMs: number;
  deadlineAtMs: number;
}

/**
 * The live watchdog's next step, or undefined when it does not watch this status: a meeting that is no
 * longer live (the final-data watchdog takes over at `ended`), or one in the waiting room, whose own
 * watchdog (watchdogDelaySeconds) steps in after the bot's waiting-room timeout, long before any silence.
 * Silence counts from the newer of the last news and the last question (an unanswered question also waits
 * a full period before the next); the deadline from the first event.
 */
export function liveWatch(
  status: MeetingStatus,
  times: ContactTimes,
  settings: WatchdogSettings,
): LiveWatch | undefined {
  if (!isLive(status) || watchdogDelaySeconds(status, settings) !== undefined) return undefined;
  const silenceAtMs =
    Math.max(times.lastHeardMs, times.lastAskedMs ?? -Infinity) + settings.silenceTimeoutSeconds * 1000;
  const deadlineAtMs = times.firstHeardMs + settings.meetingDeadlineSeconds * 1000;
  const reason = silenceAtMs < deadlineAtMs ? 'silence' : 'deadline';
  return { reason, atMs: Math.min(silenceAtMs, deadlineAtMs), silenceAtMs, deadlineAtMs };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What each part of the live watchdog waits for, by topic, for the UI's current details (`providerName`:
 * "Meeting BaaS", "Webex"). Silence is left out when the deadline comes first.
 */
export function liveWatchNotes(
  watch: LiveWatch,
  providerName: string,
): { silence: string | undefined; deadline: string } {
  return {
    silence:
      watch.reason === 'silence'
        ? `silence: asks ${providerName} at ${iso(watch.silenceAtMs)} if nothing is heard before`
        : undefined,
    deadline: `deadline: asks ${providerName} a last time and gives up (no_end) at ${iso(watch.deadlineAtMs)} if the meeting has not ended`,
  };
}

/** What the provider's API says of a live meeting. */
export type LiveAnswer =
  /** Something to apply as if its webhook had come (the final data, a failure). */
  | { outcome: 'event'; event: ProviderEvent }
  /** The call is over (the bot left, the meeting ended): an `ended` event is applied. */
  | { outcome: 'ended'; detail: string }
  /** The meeting goes on: wait another silence period. */
  | { outcome: 'live'; detail: string };

/** Where Webex says a meeting instance stands (`GET /meetings/{id}` `state`). */
export function webexLiveAnswer(state: string | undefined): LiveAnswer {
  if (state === 'ended') return { outcome: 'ended', detail: 'Webex says the meeting has ended' };
  return { outcome: 'live', detail: `Webex says the meeting is ${state ?? 'in an unknown state'}` };
}

/** How a provider names an `ended` its API reported: the event's code and dedupe key. */
export interface EndedFromApi {
  code: string;
  dedupeKey: string;
}

/**
 * The `ended` event the provider's API reported. Its dedupe key (the provider's: `ended`) is the one of the
 * webhook it stands for (Webex) or says where it came from (Meeting BaaS), so that the webhook arriving
 * after all is not applied twice (Webex) or is recorded without moving the meeting back (Meeting BaaS).
 */
export function endedFromApi(
  provider: Provider,
  externalId: string,
  receivedAt: string,
  detail: string,
  ended: EndedFromApi,
): ProviderEvent {
  return {
    provider,
    externalId,
    kind: 'ended',
    code: ended.code,
    receivedAt,
    source: 'api',
    dedupeKey: ended.dedupeKey,
    note: `read from the provider API after a silence: ${detail}`,
  };
}

/** The message of a meeting that never ended (`no_end`): what was last heard and what the API said. */
export function noEndMessage(
  settings: WatchdogSettings,
  contact: { firstHeardAt?: string; lastEvent?: string; lastEventAt?: string },
  lastAnswer: string,
): string {
  const first = contact.firstHeardAt ? ` (${contact.firstHeardAt})` : '';
  const last = contact.lastEvent
    ? `last heard: ${contact.lastEvent} at ${contact.lastEventAt}`
    : 'nothing heard from the provider';
  return (
    `the meeting did not end within ${settings.meetingDeadlineSeconds} s of its first event${first}; ` +
    `${last}; the provider's API last said: ${lastAnswer}`
  );
}
