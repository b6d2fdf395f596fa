import type { FileArchive } from '../platform/archive';
import { meetingBaasTranscriptActivities } from './meetingbaas/transcript';
import { recordingActivities } from './recording';

export interface ActivityDeps {
  archive: FileArchive;
  allowedHosts: readonly string[];
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...recordingActivities(deps),
    ...meetingBaasTranscriptActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
