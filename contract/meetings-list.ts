// GET /meetings' request and answer: the API validates requests with these schemas, the typed client
// validates answers with them, and the OpenAPI document is generated from them.
import { z } from 'zod';
import { externalIdSchema, providerSchema } from '../domain/ids';
import { MEETING_STATUSES } from '../domain/lifecycle';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

/** Opaque to callers (Temporal's page token and a check, base64url): only what a previous answer gave. */
export const meetingsCursorSchema = z
  .string()
  .min(1)
  .max(8192)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor from a previous answer (base64url)')
  .refine((cursor) => {
    const bytes = Buffer.from(cursor, 'base64url');
    // Canonical and not empty: an empty token would silently restart from the first page.
    return bytes.length > 0 && bytes.toString('base64url') === cursor;
  }, 'must be a nextCursor from a previous answer')
  .describe('Opaque: the nextCursor of the previous page');

export const meetingsListQuerySchema = z
  .strictObject({
    provider: providerSchema.optional().describe('Only meetings of this provider (MeetingProvider)'),
    status: z.enum(MEETING_STATUSES).optional().describe('Only meetings in this status (MeetingStatus)'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_LIST_LIMIT)
      .default(DEFAULT_LIST_LIMIT)
      .describe(`Page size, 1 to ${MAX_LIST_LIMIT}`),
    cursor: meetingsCursorSchema.optional(),
  })
  .describe('Filters and page of GET /meetings');
export type MeetingsListQuery = z.output<typeof meetingsListQuerySchema>;

export const meetingSummarySchema = z
  .object({
    workflowId: z.string(),
    provider: providerSchema,
    externalId: externalIdSchema,
    status: z.enum(MEETING_STATUSES).describe('MeetingStatus, as last published by the workflow'),
    startedAt: z.iso.datetime().describe("When the meeting's workflow started (visibility)"),
    closedAt: z.iso.datetime().optional().describe("When the meeting's workflow closed, once it has"),
    endedAt: z.iso.datetime().optional().describe('When the call ended (MeetingEndedAt), once known'),
  })
  .describe('A meeting as listed; GET /meetings/{provider}/{externalId} gives the whole MeetingView');
export type MeetingSummary = z.infer<typeof meetingSummarySchema>;

export const meetingsListSchema = z
  .object({
    items: z.array(meetingSummarySchema).describe('Newest first'),
    nextCursor: meetingsCursorSchema.nullable().describe('null on the last page'),
  })
  .describe('One page of GET /meetings');
export type MeetingsList = z.infer<typeof meetingsListSchema>;
