// Notifications to the services that use the meetings (DESIGN.md "Notifications to your services"): what a
// final meeting is announced as, how one delivery is named and tracked, and how it backs off. Pure: the
// workflows, the API and the typed client import it.
// No zod here: the workflow bundle imports this file (its schema is in domain/view.ts).
import type { MeetingStatus } from '../lifecycle';

export const NOTIFICATION_TYPES = ['meeting.completed', 'meeting.failed'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One delivery of a meeting's outcome to one URL, as the MeetingView shows it (schema: domain/view.ts). */
export interface NotificationView {
  type: NotificationType;
  url: string;
  status: NotificationStatus;
  attempts: number;
  deliveredAt?: string;
  lastError?: string;
}

/** What a delivery reports of itself (its workflow's memo): the view's entry without the fixed fields. */
export type DeliveryProgress = Pick<NotificationView, 'status' | 'attempts' | 'deliveredAt' | 'lastError'>;

/** The notification a meeting that reached `status` sends, if any. */
export function notificationTypeOf(status: MeetingStatus): NotificationType | undefined {
  if (status === 'completed') return 'meeting.completed';
  if (status === 'failed') return 'meeting.failed';
  return undefined;
}

/**
 * The workflow id of a meeting's `index`-th delivery (its position in the view's `notifications`, which
 * only grows): the meeting's own id, so that readers find its deliveries without any other record.
 */
export function deliveryWorkflowId(meetingWorkflowId: string, index: number): string {
  return `${meetingWorkflowId}/notify/${index}`;
}

/**
 * The Standard Webhooks `webhook-id` of a delivery: derived from the delivery (meeting, position, type), so
 * every retry and every resend of it carries the same one and consumers can deduplicate on it.
 */
export function webhookIdOf(meetingWorkflowId: string, index: number, type: NotificationType): string {
  return `msg_${meetingWorkflowId}_${index}_${type}`;
}

/** How a delivery is retried: a growing pause between attempts, within a window from its start. */
export interface NotifyRetrySettings {
  /** The pause after the first failed attempt; it doubles after each one, up to maxPauseSeconds. */
  firstPauseSeconds: number;
  maxPauseSeconds: number;
  /** How long after the delivery started it is still tried (NOTIFY_RETRY_HOURS). */
  windowSeconds: number;
  /** How long one attempt waits for the consumer's answer before it counts as failed. */
  attemptTimeoutSeconds: number;
}

/** 5 s, 10 s, 20 s … up to an hour between attempts, for 72 hours; a consumer has 10 s to answer. */
export const DEFAULT_NOTIFY_RETRY: NotifyRetrySettings = {
  firstPauseSeconds: 5,
  maxPauseSeconds: 3600,
  windowSeconds: 72 * 3600,
  attemptTimeoutSeconds: 10,
};

/**
 * The pause after failed attempt `attempt` (1, 2, …) in ms, or undefined when the next attempt would
 * start past the window's end (`leftMs` from now): the delivery has failed.
 */
export function pauseAfterAttemptMs(
  settings: NotifyRetrySettings,
  attempt: number,
  leftMs: number,
): number | undefined {
  const pause = Math.min(
    settings.firstPauseSeconds * 1000 * 2 ** Math.min(attempt - 1, 30),
    settings.maxPauseSeconds * 1000,
  );
  return pause < leftMs ? pause : undefined;
}

/** How a consumer's answer ends an attempt. */
export type AnswerVerdict = 'delivered' | 'gone' | 'retry';

/** 2xx: delivered; 410 Gone: the consumer asks us to stop; anything else is tried again. */
export function verdictOfStatus(status: number): AnswerVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}
