// The Meeting BaaS activities as the workflows call them: each call's summary names the bot, so that the
// UI's event history says what every activity did.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { StoredRecordingUrl } from '../../activities/meetingbaas/provider';
import {
  CALLER_WAITING,
  PROVIDER_COMMAND,
  PROVIDER_QUESTION,
  RECORDING_DOWNLOAD,
  TRANSCRIPT_NORMALISING,
} from '../activity-options';

export const { archiveRecording } = proxyActivities<Activities>(RECORDING_DOWNLOAD);
// Reads the archived body (v1: the words are in it; v2: downloads the transcription file it names, with a
// fresh URL when expired) and writes the normalised transcript.
export const { archiveMeetingBaasTranscript } = proxyActivities<Activities>(TRANSCRIPT_NORMALISING);
const { reconcileMeetingBaas: reconcile } = proxyActivities<Activities>(PROVIDER_QUESTION);
const { refreshMeetingBaasRecordingUrl: refreshRecordingUrl } = proxyActivities<Activities>(CALLER_WAITING);
const { removeMeetingBaasBot: removeBot } = proxyActivities<Activities>(PROVIDER_COMMAND);

/** `ask`: the how-manieth question of this watchdog round (1, 2, …). */
export const reconcileMeetingBaas = (botId: string, ask: number) =>
  reconcile.executeWithOptions(
    { summary: `Ask Meeting BaaS's API for the final data of meetingbaas:${botId} (ask ${ask})` },
    [{ botId }],
  );
/** `stored`: the final data's own URL, handed out instead when valid long enough (see the activity). */
export const refreshMeetingBaasRecordingUrl = (botId: string, stored?: StoredRecordingUrl) =>
  refreshRecordingUrl.executeWithOptions(
    { summary: `Get a fresh recording URL of meetingbaas:${botId} from Meeting BaaS` },
    [{ botId, ...stored }],
  );
export const removeMeetingBaasBot = (botId: string) =>
  removeBot.executeWithOptions(
    { summary: `Ask Meeting BaaS to take the bot of meetingbaas:${botId} out of its meeting` },
    [{ botId }],
  );
