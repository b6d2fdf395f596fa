// One notification of a meeting's outcome to one URL, as a workflow of its own: it outlives the meeting's
// workflow (started with ParentClosePolicy ABANDON), survives worker and server restarts, and retries with a
// growing pause until NOTIFY_RETRY_HOURS have passed since it started. Its progress is kept in its memo, where
// the API and the typed client read it (client/notification-reads.ts); the UI shows it as current details.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DELIVERY_PROGRESS_MEMO, type NotificationDeliveryInput } from '../../contract/workflow';
import { pauseAfterAttemptMs, type DeliveryProgress } from '../../domain/notify/notification';
import { reasonOf } from '../failure';

/** Past the attempt's own HTTP timeout: the worker died mid-attempt, so the attempt is counted as failed. */
const ATTEMPT_MARGIN_SECONDS = 15;

// The worker's Prometheus endpoint (WORKER_METRICS_ADDRESS) counts them, by notification type; replays count
// nothing again (the SDK's workflow meter skips them).
function deliveryCounters() {
  return {
    delivered: wf.metricMeter.createCounter(
      'meeting_notifications_delivered',
      'deliveries',
      "Notifications of meetings' outcomes delivered (2xx)",
    ),
    failed: wf.metricMeter.createCounter(
      'meeting_notifications_failed',
      'deliveries',
      "Notifications of meetings' outcomes given up (410, or the retry window spent)",
    ),
    refused: wf.metricMeter.createCounter(
      'meeting_notification_attempts_failed',
      'attempts',
      'Notification attempts refused, unanswered or timed out (retried while the window lasts)',
    ),
  };
}

/** The failure type the workflow fails with once the delivery has failed for good (UI: red, metrics). */
export const DELIVERY_FAILED = 'NotificationFailed';

export async function notificationDeliveryWorkflow(
  input: NotificationDeliveryInput,
): Promise<DeliveryProgress> {
  const { retry } = input;
  const givesUpAtMs = Date.now() + retry.windowSeconds * 1000;
  // One attempt per activity: this loop counts the attempts, keeps the last error and paces the retries.
  const { deliverNotification } = wf.proxyActivities<Activities>({
    startToCloseTimeout: (retry.attemptTimeoutSeconds + ATTEMPT_MARGIN_SECONDS) * 1000,
    retry: { maximumAttempts: 1 },
  });
  const progress: DeliveryProgress = { status: 'pending', attempts: 0 };
  const counters = deliveryCounters();
  const show = (next?: string) => {
    wf.upsertMemo({ [DELIVERY_PROGRESS_MEMO]: { ...progress } });
    wf.setCurrentDetails(detailsOf(input, progress, givesUpAtMs, next));
  };

  for (;;) {
    progress.attempts++;
    try {
      await deliverNotification.executeWithOptions(
        { summary: `POST ${input.type} of ${input.meetingWorkflowId} (attempt ${progress.attempts})` },
        [
          {
            url: input.url,
            webhookId: input.webhookId,
            body: input.body,
            timeoutSeconds: retry.attemptTimeoutSeconds,
          },
        ],
      );
      progress.status = 'delivered';
      progress.deliveredAt = new Date(Date.now()).toISOString();
      counters.delivered.add(1, { type: input.type });
      show();
      return { ...progress };
    } catch (err) {
      if (!(err instanceof wf.ActivityFailure)) throw err;
      progress.lastError = reasonOf(err);
      counters.refused.add(1, { type: input.type });
      const pauseMs = isGone(err)
        ? undefined
        : pauseAfterAttemptMs(retry, progress.attempts, givesUpAtMs - Date.now());
      if (pauseMs === undefined) {
        progress.status = 'failed';
        counters.failed.add(1, { type: input.type });
        show();
        throw wf.ApplicationFailure.nonRetryable(
          `${input.type} of ${input.meetingWorkflowId} not delivered after ${progress.attempts} attempt(s): ${progress.lastError}`,
          DELIVERY_FAILED,
        );
      }
      show(new Date(Date.now() + pauseMs).toISOString());
      await wf.sleep(pauseMs, { summary: `Notification refused: next attempt ${progress.attempts + 1}` });
    }
  }
}

/** The consumer answered 410 Gone: it asks not to be sent this again. */
function isGone(err: wf.ActivityFailure): boolean {
  return err.cause instanceof wf.ApplicationFailure && err.cause.type === 'Http410';
}

function detailsOf(
  input: NotificationDeliveryInput,
  progress: DeliveryProgress,
  givesUpAtMs: number,
  nextAttemptAt?: string,
): string {
  const lines = [
    `**${input.type}** of \`${input.meetingWorkflowId}\` to ${input.url}`,
    '',
    `- status: **${progress.status}**`,
    `- attempts: ${progress.attempts}`,
    `- webhook-id: \`${input.webhookId}\``,
  ];
  if (progress.deliveredAt) lines.push(`- delivered at: ${progress.deliveredAt}`);
  if (progress.lastError) lines.push(`- last error: ${progress.lastError}`);
  if (nextAttemptAt) lines.push(`- next attempt at: ${nextAttemptAt}`);
  if (progress.status === 'pending') lines.push(`- gives up at: ${new Date(givesUpAtMs).toISOString()}`);
  return lines.join('\n');
}
