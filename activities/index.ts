import { meetingBaasTranscriptActivities } from './meetingbaas/transcript';
import { recordingActivities, type RecordingDeps } from './recording';

/** What the activities need: the archive, and the hosts recordings may come from. */
export type ActivityDeps = RecordingDeps;

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...recordingActivities(deps),
    ...meetingBaasTranscriptActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
