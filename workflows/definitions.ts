// Names shared by the workflow and everything that talks to it (API, tests, operators' tools).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ProviderEvent } from '../domain/events';
import type { Provider } from '../domain/ids';
import type { MeetingView } from '../domain/view';

export const MEETING_WORKFLOW_TYPE = 'meetingWorkflow';

export interface MeetingWorkflowInput {
  provider: Provider;
  externalId: string;
  /** How long to stay open after the meeting is final, recording late deliveries. */
  lingerSeconds?: number;
}

export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');
export const meetingQuery = defineQuery<MeetingView>('meeting');

export const MeetingProviderKey = defineSearchAttributeKey('MeetingProvider', SearchAttributeType.KEYWORD);
export const MeetingStatusKey = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const MeetingEndedAtKey = defineSearchAttributeKey('MeetingEndedAt', SearchAttributeType.DATETIME);
export const SEARCH_ATTRIBUTE_KEYS = [MeetingProviderKey, MeetingStatusKey, MeetingEndedAtKey];
