// A meeting's notifications as they stand now. The meeting's workflow lists the deliveries it started
// (workflows/notify/meeting-notifier.ts); each delivery is a workflow of its own that keeps its progress in
// its memo (workflows/notify/delivery.ts). Reading merges the two, so the view is current whether the
// meeting's workflow is open or closed, and needs no worker (describe only).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  DELIVERY_INPUT_MEMO,
  DELIVERY_PROGRESS_MEMO,
  type NotificationDeliveryInput,
} from '../contract/workflow';
import { deliveryWorkflowId, type DeliveryProgress } from '../domain/notify/notification';
import { notificationViewSchema, type MeetingView } from '../domain/view';

const progressSchema = notificationViewSchema.pick({
  status: true,
  attempts: true,
  deliveredAt: true,
  lastError: true,
});

export interface DeliveryState {
  progress: DeliveryProgress;
  /** The delivery's input, when its memo has it (a resend needs it). */
  input?: NotificationDeliveryInput;
}

/** The delivery's latest run as it stands; undefined when there is none (retention passed, never started). */
export async function readDelivery(client: Client, workflowId: string): Promise<DeliveryState | undefined> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const parsed = progressSchema.safeParse(description.memo?.[DELIVERY_PROGRESS_MEMO]);
  if (!parsed.success) return undefined;
  let progress: DeliveryProgress = parsed.data;
  const status = description.status.name;
  // Ended from outside (terminated, timed out, cancelled) before it could say so itself.
  if (progress.status === 'pending' && status !== 'RUNNING')
    progress = {
      ...progress,
      status: 'failed',
      lastError: progress.lastError ?? `delivery ${status.toLowerCase()}`,
    };
  const input = description.memo?.[DELIVERY_INPUT_MEMO] as NotificationDeliveryInput | undefined;
  return { progress, ...(input ? { input } : {}) };
}

/** The view with each notification's current progress. */
export async function withDeliveryProgress(client: Client, view: MeetingView): Promise<MeetingView> {
  if (!view.notifications?.length) return view;
  const notifications = await Promise.all(
    view.notifications.map(async (notification, index) => {
      const state = await readDelivery(client, deliveryWorkflowId(view.workflowId, index));
      if (!state) return notification;
      const { status, attempts, deliveredAt, lastError } = state.progress;
      return {
        type: notification.type,
        url: notification.url,
        status,
        attempts,
        ...(deliveredAt ? { deliveredAt } : {}),
        ...(lastError ? { lastError } : {}),
      };
    }),
  );
  return { ...view, notifications };
}
