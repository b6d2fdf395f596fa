// When a meeting that waits for its provider has waited too long. Pure: the workflow supplies the times.
import type { MeetingStatus } from './lifecycle';

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
}

export const DEFAULT_WATCHDOG: WatchdogSettings = {
  finalDataTimeoutSeconds: 1800,
  finalDataDeadlineSeconds: 86_400,
  waitingRoomTimeoutSeconds: 600,
  graceSeconds: 300,
  reconcileIntervalSeconds: 60,
};

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
