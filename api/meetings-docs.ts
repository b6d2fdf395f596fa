// OpenAPI description of the meeting reads (meetings.ts, meetings-list.ts), from the schemas they use.
import { z } from 'zod';
import { meetingsListQuerySchema, meetingsListSchema, meetingSummarySchema } from '../contract/meetings-list';
import type { RecordingUrl } from '../contract/workflow';
import { externalIdSchema, providerSchema } from '../domain/ids';
import { meetingViewSchema } from '../domain/view';
import { erasureQuerySchema } from './erasure';
import { errorResponses, jsonResponse, type RouteDocs } from './openapi-parts';

const MeetingView = meetingViewSchema.meta({
  id: 'MeetingView',
  description: 'A meeting as its workflow sees it (the `meeting` query); large data is in the archive',
});
const MeetingSummary = meetingSummarySchema.meta({ id: 'MeetingSummary' });
const MeetingsList = meetingsListSchema
  .extend({ items: z.array(MeetingSummary).describe('Newest first') })
  .meta({ id: 'MeetingsList', description: 'One page of GET /meetings' });

// The Update's result type is a TypeScript interface: this schema is checked against it.
const RecordingUrlBody: z.ZodType<RecordingUrl> = z
  .object({
    url: z.string().describe('Valid for at least 10 more minutes'),
    expiresAt: z.string().describe('ISO 8601: when the URL stops working'),
  })
  .meta({ id: 'RecordingUrl' });

const ResendBody = z
  .object({
    deliveries: z.array(z.string()).describe('The delivery workflow ids (Temporal UI: their details)'),
  })
  .meta({ id: 'NotificationsResent' });

const ErasureAccepted = z
  .object({ workflowId: z.string(), requestedAt: z.string().describe('ISO 8601') })
  .meta({ id: 'ErasureAccepted' });

const meetingParams = z.object({
  provider: providerSchema,
  externalId: externalIdSchema.describe('Meeting BaaS bot id, or Webex meeting instance id (with _I_)'),
});
/** A path naming a meeting: an unknown provider is 404, a malformed id 400. */
const MEETING_PATH_ERRORS = { 400: ['invalid_payload'], 404: ['not_found'] } as const;

export const meetingDocs: RouteDocs = {
  routes: [
    {
      method: 'get',
      path: '/meetings',
      tags: ['meetings'],
      summary: 'List meetings, newest first',
      description:
        'From Temporal visibility (MeetingProvider, MeetingStatus); closed meetings too, within retention.',
      request: { query: meetingsListQuerySchema },
      responses: {
        200: jsonResponse('A page of meetings', MeetingsList),
        ...errorResponses({ 400: ['invalid_payload'], 503: ['temporal_unavailable'] }),
      },
    },
    {
      method: 'get',
      path: '/meetings/{provider}/{externalId}',
      tags: ['meetings'],
      summary: "A meeting's current view",
      description: 'Open and closed meetings (within the namespace retention).',
      request: { params: meetingParams },
      responses: {
        200: jsonResponse('The MeetingView', MeetingView),
        ...errorResponses({ ...MEETING_PATH_ERRORS, 503: ['temporal_unavailable'] }),
      },
    },
    {
      method: 'post',
      path: '/meetings/{provider}/{externalId}/recording-url',
      tags: ['meetings'],
      summary: 'A recording URL valid for at least 10 more minutes',
      description:
        'The `refreshRecordingUrl` Update: refreshed through the provider when needed (open meetings).',
      request: { params: meetingParams },
      responses: {
        200: jsonResponse('A currently valid URL', RecordingUrlBody),
        ...errorResponses({
          ...MEETING_PATH_ERRORS,
          409: ['recording_unavailable'],
          503: ['temporal_unavailable'],
        }),
      },
    },
    {
      method: 'get',
      path: '/meetings/{provider}/{externalId}/recording',
      tags: ['meetings'],
      summary: 'Redirect to the recording: our archived copy, or the provider’s before archival',
      description:
        'Once the recording is archived: a presigned URL of the object store (valid 15 minutes), or, with the ' +
        'directory archive, `…/recording/file` on this API (same origin: clients keep the bearer token). ' +
        'Before that: the provider’s URL, refreshed through the provider when needed. 410 once the meeting’s ' +
        'data was erased.',
      request: { params: meetingParams },
      responses: {
        302: {
          description: 'To the recording',
          headers: z.object({
            location: z
              .string()
              .describe('Valid for at least 10 more minutes (a path on this API: with the token)'),
          }),
        },
        ...errorResponses({
          ...MEETING_PATH_ERRORS,
          409: ['recording_unavailable'],
          410: ['gone'],
          503: ['temporal_unavailable'],
        }),
      },
    },
    {
      method: 'post',
      path: '/meetings/{provider}/{externalId}/notifications/resend',
      tags: ['meetings'],
      summary: "Deliver the meeting's final notification again",
      description:
        'Starts each delivery of the outcome (`meeting.completed` / `meeting.failed`) to NOTIFY_WEBHOOK_URLS ' +
        'again: the same body and `webhook-id`, a new retry window (NOTIFY_RETRY_HOURS), its attempts counted ' +
        "afresh; a delivery still pending is replaced (tried now). Follow it in the view's `notifications`. " +
        'Write token. 404 for an unknown meeting, one not final yet, or one that sent no notification.',
      request: { params: meetingParams },
      responses: {
        202: jsonResponse('The deliveries started again', ResendBody),
        ...errorResponses({ ...MEETING_PATH_ERRORS, 503: ['temporal_unavailable'] }),
      },
    },
    {
      method: 'get',
      path: '/meetings/{provider}/{externalId}/recording/file',
      tags: ['meetings'],
      summary: 'The archived recording, served by this API (directory archive)',
      description:
        'Supports `Range` (206 with `Content-Range`) and conditional requests. Needs a read token like every ' +
        'GET route. With an object store archive it redirects to a presigned URL of the object.',
      request: { params: meetingParams },
      responses: {
        200: {
          description: 'The whole recording',
          content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } },
        },
        206: {
          description: 'The requested byte range',
          content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } },
        },
        302: { description: 'To a presigned URL of the object store' },
        ...errorResponses({ ...MEETING_PATH_ERRORS, 410: ['gone'], 503: ['temporal_unavailable'] }),
      },
    },
    {
      method: 'delete',
      path: '/meetings/{provider}/{externalId}/data',
      tags: ['meetings'],
      summary: 'Erase the meeting’s archived data',
      description:
        'Deletes the recording, transcripts, participants and stored webhook bodies from the archive (open, ' +
        'lingering and closed meetings), idempotent; the view keeps its history and gets `deletedAt`, its ' +
        'assets become `unavailable` ("erased on request") and nothing of the meeting is archived again. ' +
        'With `provider=true` the provider is asked to delete its copy too; its answer is in the view’s ' +
        '`erasure.provider`. Needs a write token.',
      request: { params: meetingParams, query: erasureQuerySchema },
      responses: {
        202: jsonResponse('The meeting’s workflow holds the request', ErasureAccepted),
        ...errorResponses({ ...MEETING_PATH_ERRORS, 503: ['temporal_unavailable'] }),
      },
    },
  ],
};
