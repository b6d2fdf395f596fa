// meetings.created with WEBEX_AUTO_RECORD: one short workflow per meeting id turns its recording on.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebexAutoRecordInput, WebexAutoRecordResult } from '../contract/workflow';
import { PROVIDER_SETTING } from './activity-options';

const { enableWebexAutoRecord } = wf.proxyActivities<Activities>({
  ...PROVIDER_SETTING,
  summary: 'Turn on automatic recording of the Webex meeting',
});

export async function webexAutoRecordWorkflow({
  meetingId,
}: WebexAutoRecordInput): Promise<WebexAutoRecordResult> {
  return enableWebexAutoRecord({ meetingId });
}
