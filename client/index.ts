// The typed client of the meeting data orchestrator, for other TypeScript services.
export {
  meetingSummarySchema,
  meetingsListSchema,
  type MeetingSummary,
  type MeetingsList,
} from '../contract/meetings-list';
export type { RecordingUrl } from '../contract/workflow';
export { meetingViewSchema, type MeetingView } from '../domain/view';
export * from './errors';
export { HttpMeetingsClient, type HttpMeetingsClientOptions } from './http';
export { allMeetings, type MeetingsClient, type MeetingsFilter } from './meetings-client';
export { recordingUrlSchema } from './recording-url';
export type { EncryptionKey } from '../contract/payload-codec';
export {
  meetingsDataConverter,
  TemporalMeetingsClient,
  type TemporalMeetingsClientOptions,
} from './temporal';
