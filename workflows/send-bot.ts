// POST /bots, durably: one run per request key, so a retried request never sends a second bot.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { MeetingProviderKey, MeetingStatusKey } from '../contract/search-attributes';
import {
  PROVIDER_NAMES,
  providerEventSignal,
  type SendBotInput,
  type SendBotResult,
} from '../contract/workflow';
import type { ProviderEvent } from '../domain/events';
import { botRequestAbout } from '../domain/meetingbaas/bot-request-about';
import { meetingWorkflowId } from '../domain/workflow-id';
import { meetingWorkflow } from './meeting';
import { ARCHIVE_CLEANUP, PROVIDER_COMMAND } from './activity-options';
import { FORGET_BOT_REQUEST_PATCH } from './patches';

// A 4xx from the provider (bad meeting URL, duplicate bot, no credit) fails at once; 429/5xx are retried.
const { createMeetingBaasBot } = wf.proxyActivities<Activities>({
  ...PROVIDER_COMMAND,
  summary: 'Send a Meeting BaaS bot',
});
const { forgetBotRequest } = wf.proxyActivities<Activities>({
  ...ARCHIVE_CLEANUP,
  summary: 'Delete the stored bot request',
});

/** The stored request (secrets) deleted once the provider answered; best effort: a failure is only logged. */
async function forget(requestRef: SendBotInput['requestRef']): Promise<void> {
  if (!requestRef || !wf.patched(FORGET_BOT_REQUEST_PATCH)) return;
  try {
    await forgetBotRequest({ requestRef });
  } catch (err) {
    wf.log.warn('the stored bot request could not be deleted', { uri: requestRef.uri, error: String(err) });
  }
}

/**
 * Sends the bot, then makes sure the meeting's workflow runs and knows the bot was sent by us. Webhooks may
 * have started that workflow already (signal-with-start by the API): then the request joins it.
 */
export async function sendBotWorkflow({
  requestRef,
  about: given,
  request,
  meeting,
}: SendBotInput): Promise<SendBotResult> {
  // Runs started before the issue-12 hygiene carry the request itself (and keep sending it as they did).
  let botId: string;
  try {
    ({ botId } = await createMeetingBaasBot(requestRef ? { requestRef } : { request }));
  } finally {
    await forget(requestRef);
  }
  const about = given ?? botRequestAbout(request!);
  const workflowId = meetingWorkflowId('meetingbaas', botId);
  try {
    await wf.startChild(meetingWorkflow, {
      workflowId,
      args: [{ provider: 'meetingbaas', externalId: botId, ...meeting }],
      // The meeting outlives this short request workflow.
      parentClosePolicy: 'ABANDON',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: MeetingProviderKey, value: 'meetingbaas' },
        { key: MeetingStatusKey, value: 'scheduled' },
      ],
      staticSummary: `${PROVIDER_NAMES.meetingbaas} ${botId}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const event: ProviderEvent = {
    provider: 'meetingbaas',
    externalId: botId,
    kind: 'scheduled',
    code: 'bot_requested',
    receivedAt: new Date(Date.now()).toISOString(),
    source: 'api',
    dedupeKey: 'bot_requested',
    waitingRoomTimeoutSeconds: about.waitingRoomTimeoutSeconds,
    note: `bot "${about.botName}" sent to ${about.meetingUrl}`,
  };
  try {
    await wf.getExternalWorkflowHandle(workflowId).signal(providerEventSignal, event);
  } catch (err) {
    // The meeting may already be over and closed (a very short meeting): nothing left to tell it.
    wf.log.warn('could not tell the meeting about its bot request', { workflowId, error: String(err) });
  }
  return { botId, workflowId };
}
