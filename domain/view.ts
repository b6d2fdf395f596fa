import { z } from 'zod';
import { archiveRefSchema } from './archive-ref';
import { EVENT_SOURCES } from './events';
import { externalIdSchema, providerSchema } from './ids';
import { MEETING_STATUSES } from './lifecycle';

// The MeetingView of the design: what the `meeting` query and GET /meetings/... return.

export const ASSET_STATUSES = ['pending', 'archived', 'unavailable'] as const;

export const historyEntrySchema = z.object({
  at: z.string(),
  code: z.string(),
  status: z.enum(MEETING_STATUSES),
  source: z.enum(EVENT_SOURCES),
  applied: z.boolean(),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const recordingViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  sourceUrlExpiresAt: z.string().optional(),
  archive: archiveRefSchema.optional(),
  durationSeconds: z.number().optional(),
  reason: z.string().optional(),
});

export const transcriptViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  archive: archiveRefSchema.optional(),
  utterances: z.number().int().optional(),
  speakers: z.array(z.string()).optional(),
  reason: z.string().optional(),
});

export const participantsViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  count: z.number().int().optional(),
  archive: archiveRefSchema.optional(),
  reason: z.string().optional(),
});

export const meetingViewSchema = z.object({
  workflowId: z.string(),
  provider: providerSchema,
  externalId: externalIdSchema,
  status: z.enum(MEETING_STATUSES),
  endReason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  title: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  history: z.array(historyEntrySchema),
  recording: recordingViewSchema.optional(),
  transcript: transcriptViewSchema.optional(),
  participants: participantsViewSchema.optional(),
});
export type MeetingView = z.infer<typeof meetingViewSchema>;
export type RecordingView = z.infer<typeof recordingViewSchema>;
export type TranscriptView = z.infer<typeof transcriptViewSchema>;
