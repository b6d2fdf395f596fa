import { z } from 'zod';
import { archiveRefSchema } from './archive-ref';
import { EVENT_SOURCES } from './events';
import { externalIdSchema, providerSchema } from './ids';
import { MEETING_STATUSES } from './lifecycle';
import { NOTIFICATION_STATUSES, NOTIFICATION_TYPES } from './notify/notification';

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

/** One file of a recording that the provider split (Webex: a recording stopped and restarted). */
export const recordingPartSchema = z.object({
  id: z.string(),
  status: z.enum(ASSET_STATUSES),
  archive: archiveRefSchema.optional(),
  durationSeconds: z.number().optional(),
  reason: z.string().optional(),
});

export const recordingViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  sourceUrlExpiresAt: z.string().optional(),
  /** The first (or only) file; every file is in `parts` when the provider gives several. */
  archive: archiveRefSchema.optional(),
  /** All parts together. */
  durationSeconds: z.number().optional(),
  reason: z.string().optional(),
  parts: z.array(recordingPartSchema).optional(),
});

export const transcriptViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  archive: archiveRefSchema.optional(),
  utterances: z.number().int().optional(),
  speakers: z.array(z.string()).optional(),
  reason: z.string().optional(),
  /** The provider's own transcript files, archived as they came (Webex: VTT and TXT). */
  files: z.object({ vtt: archiveRefSchema.optional(), txt: archiveRefSchema.optional() }).optional(),
  /** The provider's id of the transcript above (Webex), when known. */
  id: z.string().optional(),
  /**
   * Every transcript, when the provider published more than one (Webex: found after the first); the fields
   * above are the first one's.
   */
  parts: z
    .array(
      z.object({
        id: z.string(),
        status: z.enum(ASSET_STATUSES),
        archive: archiveRefSchema.optional(),
        files: z.object({ vtt: archiveRefSchema.optional(), txt: archiveRefSchema.optional() }).optional(),
        utterances: z.number().int().optional(),
        speakers: z.array(z.string()).optional(),
        reason: z.string().optional(),
      }),
    )
    .optional(),
});

export const participantsViewSchema = z.object({
  status: z.enum(ASSET_STATUSES),
  count: z.number().int().optional(),
  archive: archiveRefSchema.optional(),
  reason: z.string().optional(),
});

/** One delivery of the meeting's outcome to one URL (domain/notify/notification.ts NotificationView). */
export const notificationViewSchema = z.object({
  type: z.enum(NOTIFICATION_TYPES),
  url: z.string(),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number().int().nonnegative(),
  deliveredAt: z.string().optional(),
  lastError: z.string().optional(),
});

/** How the provider answered a request to delete its own copy (DELETE …/data?provider=true). */
export const PROVIDER_ERASURE_STATUSES = [
  'requested',
  'deleted',
  'refused',
  'failed',
  'unsupported',
] as const;

/** The erasure's progress: asked, objects deleted, and the provider's answer when it was asked too. */
export const erasureViewSchema = z.object({
  /** The newest request. */
  requestedAt: z.string(),
  /** How many of the meeting's objects the newest erasure deleted. */
  objectsDeleted: z.number().int().nonnegative().optional(),
  provider: z
    .object({
      status: z.enum(PROVIDER_ERASURE_STATUSES),
      at: z.string(),
      /** Why refused or failed, or what was deleted. */
      note: z.string().optional(),
    })
    .optional(),
});
export type ErasureView = z.infer<typeof erasureViewSchema>;
export type ProviderErasure = NonNullable<ErasureView['provider']>;

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
  /**
   * How many entries were left out of `history` between its first and its newest ones (a meeting that took
   * very many distinct events: see domain/meeting.ts MEETING_HISTORY_LIMITS). Absent: none.
   */
  historyOmitted: z.number().int().nonnegative().optional(),
  recording: recordingViewSchema.optional(),
  transcript: transcriptViewSchema.optional(),
  participants: participantsViewSchema.optional(),
  /**
   * The meeting's outcome sent to the services that use the meetings (NOTIFY_WEBHOOK_URLS), one entry per
   * delivery, current when read (client/notification-reads.ts merges each delivery workflow's progress).
   */
  notifications: z.array(notificationViewSchema).optional(),
  /**
   * When the meeting's archived objects were erased on request (DELETE …/data; the first erasure's time). Its
   * assets are `unavailable` since, and nothing of it is archived again.
   */
  deletedAt: z.string().optional(),
  erasure: erasureViewSchema.optional(),
});
export type MeetingView = z.infer<typeof meetingViewSchema>;
export type RecordingView = z.infer<typeof recordingViewSchema>;
export type TranscriptView = z.infer<typeof transcriptViewSchema>;
export type ParticipantsView = z.infer<typeof participantsViewSchema>;
export type RecordingPart = z.infer<typeof recordingPartSchema>;
