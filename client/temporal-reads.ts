// Reading meetings straight from Temporal, shared by the API's gateway and the typed client so that both
// answer the same way. Callers put their own deadline around these and sort Temporal's errors.
import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import type { google, temporal } from '@temporalio/proto';
import {
  meetingSummarySchema,
  type MeetingsList,
  type MeetingsListQuery,
  type MeetingSummary,
} from '../contract/meetings-list';
import { MeetingEndedAtKey, MeetingProviderKey, MeetingStatusKey } from '../contract/search-attributes';
import { MEETING_WORKFLOW_TYPE, meetingQuery } from '../contract/workflow';
import type { MeetingView } from '../domain/view';
import { MeetingRequestRefusedError } from './errors';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { withDeliveryProgress } from './notification-reads';

const GRPC_INVALID_ARGUMENT = 3;

/**
 * The meeting's view, or undefined when there is no such meeting. A completed workflow answers from its
 * result (the final MeetingView), so it needs no worker; a running one, or one that closed otherwise
 * (terminated, timed out), is queried, which needs a worker on its task queue. Its notifications are
 * merged with their deliveries' progress.
 */
export async function readMeeting(client: Client, workflowId: string): Promise<MeetingView | undefined> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  if (description.type !== MEETING_WORKFLOW_TYPE) return undefined;
  const run = client.workflow.getHandle(workflowId, description.runId, { followRuns: false });
  const view =
    description.status.name === 'COMPLETED'
      ? ((await run.result()) as MeetingView)
      : await run.query(meetingQuery);
  // Notifications: their current progress, from the delivery workflows (client/notification-reads.ts).
  return await withDeliveryProgress(client, view);
}

/** The visibility query of a list request: only meeting workflows' latest runs, and the filters (validated enums). */
export function visibilityQuery(query: Pick<MeetingsListQuery, 'provider' | 'status'>): string {
  // A meeting that continued as new has closed runs under its id (workflows/meeting.ts RUN_BUDGET): its
  // latest run stands for it.
  const clauses = [`WorkflowType = '${MEETING_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (query.provider) clauses.push(`${MeetingProviderKey.name} = '${query.provider}'`);
  if (query.status) clauses.push(`${MeetingStatusKey.name} = '${query.status}'`);
  return clauses.join(' AND ');
}

/** One page of meetings, newest first (Temporal's order: open ones by start time, then closed by close time). */
export async function listMeetings(client: Client, query: MeetingsListQuery): Promise<MeetingsList> {
  const refuseCursor = (message: string) =>
    new MeetingRequestRefusedError(message, 'invalid_payload', [{ path: 'cursor', message }]);
  const token = query.cursor === undefined ? undefined : decodeListCursor(query, query.cursor);
  if (query.cursor !== undefined && !token)
    throw refuseCursor('not a nextCursor of a listing with these provider and status filters');
  let response: temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: visibilityQuery(query),
      pageSize: query.limit,
      nextPageToken: token,
    });
  } catch (err) {
    if (token && isGrpcServiceError(err) && Number(err.code) === GRPC_INVALID_ARGUMENT)
      throw refuseCursor(`Temporal refused the cursor (${err.details})`);
    throw err;
  }
  const items = (response.executions ?? []).flatMap((execution) => {
    const summary = summaryOf(execution);
    return summary ? [summary] : [];
  });
  const next = response.nextPageToken;
  return { items, nextCursor: next?.length ? encodeListCursor(query, next) : null };
}

function summaryOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): MeetingSummary | undefined {
  const workflowId = execution.execution?.workflowId ?? '';
  const separator = workflowId.indexOf(':');
  const attributes = decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields);
  const candidate = {
    workflowId,
    provider: attributes.get(MeetingProviderKey) ?? workflowId.slice(0, separator),
    externalId: workflowId.slice(separator + 1),
    // Not published yet (no workflow task has run): a meeting starts as scheduled.
    status: attributes.get(MeetingStatusKey) ?? 'scheduled',
    startedAt: isoOf(execution.startTime),
    closedAt: isoOf(execution.closeTime),
    endedAt: attributes.get(MeetingEndedAtKey)?.toISOString(),
  };
  // A workflow of this type that is not one of this service's meetings (foreign ids) is left out.
  const parsed = meetingSummarySchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

function isoOf(ts: google.protobuf.ITimestamp | null | undefined): string | undefined {
  const seconds = typeof ts?.seconds === 'number' ? ts.seconds : (ts?.seconds?.toNumber() ?? 0);
  // Unset (an open workflow's close time) may also come as the zero timestamp.
  return seconds > 0
    ? new Date(seconds * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6)).toISOString()
    : undefined;
}
