import type { FileArchive } from '../platform/archive';
import type { MeetingBaasClient } from './meetingbaas/client';
import { meetingBaasProviderActivities } from './meetingbaas/provider';
import { meetingBaasTranscriptActivities } from './meetingbaas/transcript';
import { recordingActivities } from './recording';
import type { WebexClient } from './webex/client';
import { webexActivities } from './webex/activities';

/** What the activities need: the archive, the hosts recordings may come from, the providers' clients. */
export interface ActivityDeps {
  archive: FileArchive;
  allowedHosts: readonly string[];
  meetingBaas: MeetingBaasClient;
  webex: WebexClient;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...recordingActivities({
      ...deps,
      refreshers: { meetingbaas: (botId) => deps.meetingBaas.recordingUrl(botId) },
    }),
    ...meetingBaasTranscriptActivities({
      ...deps,
      freshTranscriptionUrl: (botId) => deps.meetingBaas.transcriptionUrl(botId),
    }),
    ...meetingBaasProviderActivities(deps),
    ...webexActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
