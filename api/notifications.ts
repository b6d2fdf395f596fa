// The API's side of notifications: resending a meeting's final notification, straight through Temporal (the
// deliveries are workflows of their own, workflows/notify/).
import type { Client } from '@temporalio/client';
import { readDelivery } from '../client/notification-reads';
import {
  DELIVERY_INPUT_MEMO,
  DELIVERY_PROGRESS_MEMO,
  NOTIFICATION_DELIVERY_WORKFLOW_TYPE,
} from '../contract/workflow';
import { deliveryWorkflowId, notificationTypeOf, type DeliveryProgress } from '../domain/notify/notification';
import type { MeetingView } from '../domain/view';

/** Why a meeting's notification cannot be resent (the route answers 404 with it). */
export class NothingToResendError extends Error {}

/**
 * The positions of the deliveries of the meeting's current outcome: the last entries of its type (an
 * earlier outcome, `failed` before a late collection completed the meeting, is not resent).
 */
export function currentOutcomeDeliveries(view: MeetingView): number[] {
  const type = notificationTypeOf(view.status);
  if (!type) throw new NothingToResendError(`the meeting is ${view.status}, not final yet`);
  const all = view.notifications ?? [];
  const indices: number[] = [];
  for (let i = all.length - 1; i >= 0 && all[i]!.type === type; i--) indices.unshift(i);
  if (indices.length === 0)
    throw new NothingToResendError(
      `the meeting sent no ${type} notification (NOTIFY_WEBHOOK_URLS unset then)`,
    );
  return indices;
}

/**
 * Starts each delivery of the meeting's outcome again: a new run of the same delivery workflow, with the same
 * input, so the same body and the same `webhook-id` (a consumer that deduplicates on it sees one event), a
 * new retry window, and its attempts counted afresh. A delivery still pending is replaced by the new run
 * (its next attempt is now). Returns the delivery workflow ids.
 */
export async function resendNotifications(
  client: Client,
  view: MeetingView,
  taskQueue: string,
): Promise<string[]> {
  const ids = currentOutcomeDeliveries(view).map((i) => deliveryWorkflowId(view.workflowId, i));
  const pending: DeliveryProgress = { status: 'pending', attempts: 0 };
  for (const workflowId of ids) {
    const input = (await readDelivery(client, workflowId))?.input;
    if (!input) throw new NothingToResendError(`the delivery ${workflowId} is no longer known to Temporal`);
    await client.workflow.start(NOTIFICATION_DELIVERY_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      memo: { [DELIVERY_PROGRESS_MEMO]: pending, [DELIVERY_INPUT_MEMO]: input },
      staticSummary: `Notify ${input.type} of ${input.meetingWorkflowId} (delivery ${input.index}, resent)`,
    });
  }
  return ids;
}
