// The Webex activities as the workflows call them (each call's summary says what it fetched, in the UI).
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { webexLiveAnswer, type LiveAnswer } from '../../domain/watchdog';
import {
  CALLER_WAITING,
  PROVIDER_LISTING,
  PROVIDER_QUESTION,
  RECORDING_DOWNLOAD,
  SMALL_FILE_ARCHIVING,
} from '../activity-options';

export const { listWebexRecordings, listWebexTranscripts } = wf.proxyActivities<Activities>(PROVIDER_LISTING);
// An expired direct link is renewed inside the activity (Webex's links last 3 hours).
export const { archiveWebexRecording } = wf.proxyActivities<Activities>(RECORDING_DOWNLOAD);
export const { archiveWebexTranscript, archiveWebexParticipants } =
  wf.proxyActivities<Activities>(SMALL_FILE_ARCHIVING);
const { refreshWebexRecordingUrl: refreshRecordingLink } = wf.proxyActivities<Activities>(CALLER_WAITING);
// Where a Webex meeting stands, asked by the live watchdog.
const { webexMeetingState } = wf.proxyActivities<Activities>(PROVIDER_QUESTION);

export const refreshWebexRecordingUrl = (meetingId: string, recordingId: string) =>
  refreshRecordingLink.executeWithOptions(
    { summary: `Get a fresh link to recording ${recordingId} of webex:${meetingId} from Webex` },
    [{ recordingId }],
  );

/** `ask`: the how-manieth question of the live watchdog. */
export const askWebexLive = async (meetingId: string, ask: number): Promise<LiveAnswer> => {
  const { state } = await webexMeetingState.executeWithOptions(
    { summary: `Ask Webex where the meeting webex:${meetingId} stands (ask ${ask})` },
    [{ meetingId }],
  );
  return webexLiveAnswer(state);
};
