// meetings.created with WEBEX_AUTO_RECORD: one short workflow per meeting id turns its recording on.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebexAutoRecordInput, WebexAutoRecordResult } from '../contract/workflow';

const { enableWebexAutoRecord } = wf.proxyActivities<Activities>({
  summary: 'Turn on automatic recording of the Webex meeting',
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function webexAutoRecordWorkflow({
  meetingId,
}: WebexAutoRecordInput): Promise<WebexAutoRecordResult> {
  return enableWebexAutoRecord({ meetingId });
}
