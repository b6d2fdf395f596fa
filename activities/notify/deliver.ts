// One attempt at delivering a notification: the archived body POSTed to the consumer, signed per Standard
// Webhooks with the `standardwebhooks` library (a fresh webhook-timestamp each attempt, the same webhook-id).
// The delivery workflow decides about retries; this only reports how the attempt went.
import { Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import type { ArchiveRef } from '../../domain/archive-ref';
import { verdictOfStatus } from '../../domain/notify/notification';
import { redactUrlsInText } from '../../domain/redact';
import type { Archive } from '../../platform/archive';
import { activityFailure } from '../failure';
import type { NotifySettings } from './settings';

export interface DeliverNotificationInput {
  url: string;
  webhookId: string;
  body: ArchiveRef;
  timeoutSeconds: number;
}

/** How much of a refusing consumer's answer is kept as the reason (it goes into history and the view). */
const ANSWER_EXCERPT_CHARS = 200;

export function notifyDeliverActivities(deps: { archive: Archive; notify: NotifySettings }) {
  return {
    /** Resolves with the consumer's 2xx status; fails ConsumerGone (410, final) or a retryable Consumer*. */
    async deliverNotification(input: DeliverNotificationInput): Promise<{ status: number }> {
      const secret = deps.notify.secret;
      if (!secret) throw activityFailure('NotifyNotConfigured', 'NOTIFY_WEBHOOK_SECRET is not set');
      const payload = (await deps.archive.read(input.body)).toString('utf8');
      const timestamp = new Date();
      const signature = new Webhook(secret).sign(input.webhookId, timestamp, payload);
      const timeout = AbortSignal.timeout(input.timeoutSeconds * 1000);
      let response: Response;
      try {
        response = await fetch(input.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': input.webhookId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body: payload,
          redirect: 'manual',
          signal: AbortSignal.any([timeout, Context.current().cancellationSignal]),
        });
      } catch (err) {
        if (timeout.aborted)
          throw activityFailure('ConsumerTimeout', `no answer within ${input.timeoutSeconds} s`);
        const cause = err instanceof Error ? (err.cause ?? err) : err;
        const why = cause instanceof Error ? cause.message : String(cause);
        throw activityFailure('ConsumerUnreachable', `cannot reach the consumer: ${redactUrlsInText(why)}`);
      }
      const verdict = verdictOfStatus(response.status);
      if (verdict === 'delivered') {
        await response.body?.cancel();
        return { status: response.status };
      }
      const excerpt = await answerExcerpt(response);
      const answer = `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`;
      if (verdict === 'gone')
        throw activityFailure('Http410', `${answer} (the consumer asks not to be sent this again)`);
      throw activityFailure('ConsumerRefused', answer);
    },
  };
}

async function answerExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return redactUrlsInText(text.slice(0, ANSWER_EXCERPT_CHARS));
  } catch {
    return '';
  }
}
