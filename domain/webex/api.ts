import { z } from 'zod';

// The Webex REST answers the worker reads (field names from the Webex Meetings OpenAPI). Loose objects:
// Webex adds fields over time, and a field we do not use must never fail a meeting; unknown fields are kept
// (participants are archived as received).

/** One recording of `GET /recordings`. */
export const webexRecordingSchema = z.looseObject({
  id: z.string().min(1),
  meetingId: z.string().optional(),
  scheduledMeetingId: z.string().optional(),
  meetingSeriesId: z.string().optional(),
  topic: z.string().optional(),
  createTime: z.string().optional(),
  timeRecorded: z.string().optional(),
  format: z.string().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  sizeBytes: z.number().nonnegative().optional(),
  status: z.string().optional(),
});
export type WebexRecording = z.infer<typeof webexRecordingSchema>;

/** `GET /recordings/{id}`: the recording with its short-lived direct download links. */
export const webexRecordingDetailsSchema = webexRecordingSchema.extend({
  // Absent when the caller may not download (not the host nor an admin, or downloading prevented).
  temporaryDirectDownloadLinks: z
    .looseObject({
      recordingDownloadLink: z.url(),
      audioDownloadLink: z.string().optional(),
      // ISO time the links stop working; read leniently (an unreadable one is treated as unknown).
      expiration: z.string().optional(),
    })
    .optional(),
});
export type WebexRecordingDetails = z.infer<typeof webexRecordingDetailsSchema>;

/** One transcript of `GET /meetingTranscripts`. */
export const webexTranscriptSchema = z.looseObject({
  id: z.string().min(1),
  meetingId: z.string().optional(),
  startTime: z.string().optional(),
  vttDownloadLink: z.url(),
  txtDownloadLink: z.url(),
  status: z.string().optional(),
});
export type WebexTranscript = z.infer<typeof webexTranscriptSchema>;

/** One snippet (a speaker's line) of `GET /meetingTranscripts/{id}/snippets`. */
export const webexSnippetSchema = z.looseObject({
  id: z.string(),
  text: z.string(),
  personName: z.string().nullish(),
  personEmail: z.string().nullish(),
  offsetMillisecond: z.number().nonnegative(),
  durationMillisecond: z.number().nonnegative(),
});
export type WebexSnippet = z.infer<typeof webexSnippetSchema>;

export const webexDeviceSchema = z.looseObject({
  correlationId: z.string().optional(),
  deviceType: z.string().optional(),
  audioType: z.string().optional(),
  joinedTime: z.string().optional(),
  leftTime: z.string().optional(),
  durationSecond: z.number().optional(),
});

/** One participant of `GET /meetingParticipants`, with the devices they joined from. */
export const webexParticipantSchema = z.looseObject({
  id: z.string().min(1),
  host: z.boolean().optional(),
  coHost: z.boolean().optional(),
  email: z.string().optional(),
  displayName: z.string().optional(),
  invitee: z.boolean().optional(),
  muted: z.boolean().optional(),
  state: z.string().optional(),
  video: z.string().optional(),
  joinedTime: z.string().optional(),
  leftTime: z.string().optional(),
  meetingStartTime: z.string().optional(),
  siteUrl: z.string().optional(),
  meetingId: z.string().optional(),
  hostEmail: z.string().optional(),
  devices: z.array(webexDeviceSchema).optional(),
});
export type WebexParticipant = z.infer<typeof webexParticipantSchema>;

/** `GET /meetings/{id}` and the answer of `PATCH /meetings/{id}`. */
export const webexMeetingSchema = z.looseObject({
  id: z.string().min(1),
  meetingSeriesId: z.string().optional(),
  scheduledMeetingId: z.string().optional(),
  title: z.string().optional(),
  meetingType: z.string().optional(),
  state: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  hostEmail: z.string().optional(),
  siteUrl: z.string().optional(),
  enabledAutoRecordMeeting: z.boolean().optional(),
});
export type WebexMeeting = z.infer<typeof webexMeetingSchema>;

/** `POST /access_token` (refresh-token grant). */
export const webexAccessTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.coerce.number().optional(),
  token_type: z.string().optional(),
});
export type WebexAccessToken = z.infer<typeof webexAccessTokenSchema>;

/** Webex list answers: `{ items: [...] }`. */
export const webexListSchema = <T extends z.ZodType>(item: T) => z.looseObject({ items: z.array(item) });
