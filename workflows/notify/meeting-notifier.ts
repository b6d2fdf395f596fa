// A meeting's part in notifying the services that use the meetings: when it reaches an outcome (`completed`
// or `failed`, again after a late collection changed it), the worker writes the body to the archive and
// names the URLs, and one delivery workflow per URL is started (ParentClosePolicy ABANDON): the meeting never
// waits for a delivery, only for the deliveries to be started. The view lists them; their progress is read
// from the delivery workflows themselves (client/notification-reads.ts).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  DELIVERY_INPUT_MEMO,
  DELIVERY_PROGRESS_MEMO,
  NOTIFICATION_DELIVERY_WORKFLOW_TYPE,
  type MeetingRunState,
  type NotificationDeliveryInput,
  type PreparedNotification,
} from '../../contract/workflow';
import {
  deliveryWorkflowId,
  notificationTypeOf,
  webhookIdOf,
  type DeliveryProgress,
  type NotificationType,
  type NotificationView,
} from '../../domain/notify/notification';
import type { MeetingView } from '../../domain/view';
import { meetingWorkflowId as workflowIdOf } from '../../domain/workflow-id';
import { NOTIFICATION_PREPARING } from '../activity-options';
import type { MeetingRunContext } from '../collector';
import { reasonOf } from '../failure';
import { NOTIFY_PATCH } from '../patches';

const { prepareNotification } = wf.proxyActivities<Activities>(NOTIFICATION_PREPARING);

type NotifierContext = Pick<MeetingRunContext, 'meeting' | 'showWaiting' | 'inFlight' | 'input'>;

export class MeetingNotifier {
  private readonly enabled: boolean;
  private readonly notifications: NotificationView[];
  /** Whether the next outcome is still to be announced (false once announced, until the meeting reopens). */
  private armed: boolean;
  private announcing = false;

  constructor(
    private readonly run: NotifierContext,
    carried: MeetingRunState['notify'] | undefined,
    resumedFrom: MeetingView | undefined,
  ) {
    this.enabled = wf.patched(NOTIFY_PATCH);
    this.notifications = (carried?.notifications ?? resumedFrom?.notifications ?? []).map((n) => ({ ...n }));
    // A run resumed from a closed meeting's final view announced that outcome already (or came before
    // notifications): only a new outcome, after the late data reopened it, is announced.
    this.armed = carried?.armed ?? !(resumedFrom && notificationTypeOf(resumedFrom.status));
    if (this.enabled) void this.announceOutcomes();
  }

  /** The view with the deliveries started so far (their progress is merged by readers). */
  withNotifications(view: MeetingView): MeetingView {
    if (this.notifications.length === 0) return view;
    return { ...view, notifications: this.notifications.map((n) => ({ ...n })) };
  }

  /** Resolves once no outcome is due or being announced (the run closes or hands over only then). */
  async settled(): Promise<void> {
    await wf.condition(() => !this.announcing && !this.due());
  }

  private due(): boolean {
    return this.enabled && this.armed && notificationTypeOf(this.run.meeting.status) !== undefined;
  }

  carried(): Pick<MeetingRunState, 'notify'> {
    if (!this.enabled) return {};
    return { notify: { notifications: this.notifications.map((n) => ({ ...n })), armed: this.armed } };
  }

  private async announceOutcomes(): Promise<never> {
    for (;;) {
      if (!this.armed) {
        await wf.condition(() => notificationTypeOf(this.run.meeting.status) === undefined);
        this.armed = true;
      }
      await wf.condition(() => notificationTypeOf(this.run.meeting.status) !== undefined);
      const type = notificationTypeOf(this.run.meeting.status)!;
      this.armed = false;
      this.announcing = true;
      try {
        await this.run.inFlight(() => this.announce(type));
      } finally {
        this.announcing = false;
      }
    }
  }

  private async announce(type: NotificationType): Promise<void> {
    const data: MeetingView = { ...this.run.meeting.view };
    delete data.notifications;
    // The meeting's workflow id by contract (not workflowInfo's: a replay under another id stays the same).
    const meetingWorkflowId = workflowIdOf(this.run.input.provider, this.run.input.externalId);
    let prepared: PreparedNotification | undefined;
    try {
      prepared = await prepareNotification.executeWithOptions(
        { summary: `Write the ${type} notification of ${meetingWorkflowId} to the archive` },
        [{ type, view: data }],
      );
    } catch (err) {
      wf.log.warn('notification not sent', { type, reason: reasonOf(err) });
      this.run.showWaiting('notifications', `notifications: ${type} not sent: ${reasonOf(err)}`);
      return;
    }
    if (!prepared) return;
    const { body, retry } = prepared;
    const starts = prepared.urls.map((url) => {
      const index = this.notifications.length;
      this.notifications.push({ type, url, status: 'pending', attempts: 0 });
      const workflowId = deliveryWorkflowId(meetingWorkflowId, index);
      const input: NotificationDeliveryInput = {
        meetingWorkflowId,
        index,
        type,
        url,
        webhookId: webhookIdOf(meetingWorkflowId, index, type),
        body,
        retry,
      };
      return startDelivery(workflowId, input);
    });
    await Promise.all(starts);
    const ids = this.notifications.map((_, i) => `\`${deliveryWorkflowId(meetingWorkflowId, i)}\``);
    this.run.showWaiting(
      'notifications',
      `notifications: ${type} sent by ${ids.join(', ')} (each delivery's details show its attempts and errors)`,
    );
  }
}

const PENDING: DeliveryProgress = { status: 'pending', attempts: 0 };

/** Starts a delivery; one already started (a run that handed over mid-announcement) is left as it is. */
async function startDelivery(workflowId: string, input: NotificationDeliveryInput): Promise<void> {
  try {
    await wf.startChild(NOTIFICATION_DELIVERY_WORKFLOW_TYPE, {
      workflowId,
      args: [input],
      parentClosePolicy: 'ABANDON',
      memo: { [DELIVERY_PROGRESS_MEMO]: PENDING, [DELIVERY_INPUT_MEMO]: input },
      staticSummary: `Notify ${input.type} of ${input.meetingWorkflowId} (delivery ${input.index})`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
