import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import { Meeting } from '../domain/meeting';
import type { MeetingView } from '../domain/view';
import {
  MeetingEndedAtKey,
  meetingQuery,
  MeetingStatusKey,
  providerEventSignal,
  type MeetingWorkflowInput,
} from './definitions';
import { collectMeetingBaas } from './meetingbaas';
import { currentDetails } from './ui';

/**
 * One meeting, from its first webhook to its archived assets. Webhooks arrive as `providerEvent` signals
 * and move the pure `Meeting` state; this function only waits, collects and publishes.
 */
export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingView> {
  const meeting = new Meeting(input.provider, input.externalId);
  let published = { status: '', endedAt: '' };

  // Keeps the search attributes and the UI's current details in step with the state.
  const publish = () => {
    const { status, endedAt } = meeting.view;
    const updates: SearchAttributeUpdatePair[] = [];
    if (status !== published.status) updates.push({ key: MeetingStatusKey, value: status });
    if (endedAt && endedAt !== published.endedAt)
      updates.push({ key: MeetingEndedAtKey, value: new Date(endedAt) });
    if (updates.length) wf.upsertSearchAttributes(updates);
    published = { status, endedAt: endedAt ?? '' };
    wf.setCurrentDetails(currentDetails(meeting.view));
  };

  wf.setHandler(meetingQuery, () => meeting.view);
  wf.setHandler(providerEventSignal, (event) => {
    const outcome = meeting.apply(event);
    if (outcome === 'duplicate')
      wf.log.info('duplicate delivery ignored', { code: event.code, dedupeKey: event.dedupeKey });
    else publish();
  });
  publish();

  await wf.condition(() => meeting.status === 'collecting' || meeting.isFinished);
  if (meeting.status === 'collecting') {
    await collectMeetingBaas(meeting);
    publish();
  }

  // Stay a while so that late and duplicate deliveries land in this history instead of a new run.
  if (input.lingerSeconds) {
    await wf.sleep(input.lingerSeconds * 1000, { summary: 'Meeting final: open for late deliveries' });
  }
  await wf.condition(wf.allHandlersFinished);
  return meeting.view;
}
