// Erasure on request (DELETE …/data): the meeting's objects out of the archive, and, when asked, the
// provider's own copy.
import { Context } from '@temporalio/activity';
import type { Provider } from '../domain/workflow-id';
import { eraseMeetingObjects, type Archive } from '../platform/archive';
import type { MeetingBaasClient } from './meetingbaas/client';
import type { WebexClient } from './webex/client';

export interface ErasureDeps {
  archive: Archive;
  meetingBaas: MeetingBaasClient;
  webex: WebexClient;
}

export interface ProviderCopy {
  provider: Provider;
  externalId: string;
  /** Webex: the recordings and transcripts to delete (Meeting BaaS deletes by bot). */
  recordingIds?: string[];
  transcriptIds?: string[];
}

export function erasureActivities({ archive, meetingBaas, webex }: ErasureDeps) {
  return {
    /**
     * Deletes every object of the meeting (recording, transcripts, participants, stored webhook bodies) after
     * marking it erased, so that no write of it lands afterwards (platform/archive/erasure.ts). Idempotent.
     */
    async eraseMeetingData({
      provider,
      externalId,
      at,
    }: {
      provider: Provider;
      externalId: string;
      at: string;
    }): Promise<{ objects: number }> {
      return eraseMeetingObjects(archive, { provider, externalId }, at);
    },

    /** Asks the provider to delete its copy; what it said, for the view. Its refusals fail the activity. */
    async deleteProviderData({
      provider,
      externalId,
      recordingIds = [],
      transcriptIds = [],
    }: ProviderCopy): Promise<{ note: string }> {
      if (provider === 'meetingbaas') return { note: await meetingBaas.deleteData(externalId) };
      const ctx = Context.current();
      for (const id of recordingIds) {
        await webex.deleteAsset('recording', id);
        ctx.heartbeat({ recording: id });
      }
      for (const id of transcriptIds) {
        await webex.deleteAsset('transcript', id);
        ctx.heartbeat({ transcript: id });
      }
      return {
        note: `Webex: ${recordingIds.length} recording(s) and ${transcriptIds.length} transcript(s) deleted`,
      };
    },
  };
}
