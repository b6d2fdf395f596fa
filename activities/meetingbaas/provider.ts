// Activities that talk to the Meeting BaaS REST API: reconcile a meeting whose final webhook is missing,
// refresh an expired recording URL, send a bot and make it leave.
import { log } from '@temporalio/activity';
import type { ProviderEvent } from '../../domain/events';
import type { BotRequest } from '../../domain/meetingbaas/bot-request';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import type { FileArchive } from '../../platform/archive';
import type { FreshUrl, MeetingBaasClient } from './client';

export interface MeetingBaasProviderDeps {
  archive: FileArchive;
  meetingBaas: MeetingBaasClient;
}

/** What the provider's API said when asked for a meeting's final data. */
export type ReconcileResult =
  { outcome: 'pending'; detail: string } | { outcome: 'event'; event: ProviderEvent };

export function meetingBaasProviderActivities({ archive, meetingBaas }: MeetingBaasProviderDeps) {
  return {
    /**
     * Asks the API whether the bot's final data is out. When it is, the data is stored in the archive like a
     * `complete` webhook body (claim check) and returned as the event the webhook would have been.
     */
    async reconcileMeetingBaas({ botId }: { botId: string }): Promise<ReconcileResult> {
      const answer = await meetingBaas.finalData(botId);
      const base = {
        provider: 'meetingbaas' as const,
        externalId: botId,
        receivedAt: new Date().toISOString(),
        source: 'api' as const,
      };
      if (answer.state === 'pending') return { outcome: 'pending', detail: answer.detail };
      if (answer.state === 'failed') {
        return {
          outcome: 'event',
          event: {
            ...base,
            kind: 'final_failure',
            code: 'failed',
            dedupeKey: `failed:${answer.code}`,
            error: { code: answer.code, message: answer.message },
            note: 'failure read from the provider API (no final webhook arrived)',
          },
        };
      }
      const payloadRef = await archive.putContentAddressed(
        `inbox/meetingbaas/${botId}`,
        Buffer.from(JSON.stringify(answer.body)),
        '.json',
      );
      log.info('final data found through the API', { botId, hasTranscript: answer.hasTranscript });
      return {
        outcome: 'event',
        event: {
          ...base,
          kind: 'final_data',
          code: meetingBaas.apiVersion === 'v1' ? 'complete' : 'bot.completed',
          // The same key as the v1 webhook, so a `complete` that arrives after all is recorded once.
          dedupeKey: meetingBaas.apiVersion === 'v1' ? 'complete' : 'api:bot.completed',
          recording: answer.recordingUrl
            ? { url: answer.recordingUrl, urlExpiresAt: presignedUrlExpiry(answer.recordingUrl) }
            : undefined,
          hasTranscript: answer.hasTranscript,
          speakers: answer.speakers,
          payloadRef,
          note: 'final data read from the provider API (no final webhook arrived)',
        },
      };
    },

    /** A newly signed recording URL from the provider. */
    async refreshMeetingBaasRecordingUrl({ botId }: { botId: string }): Promise<FreshUrl> {
      return meetingBaas.recordingUrl(botId);
    },

    /** Sends a bot; the provider's answer carries its id. */
    async createMeetingBaasBot({ request }: { request: BotRequest }): Promise<{ botId: string }> {
      return { botId: await meetingBaas.createBot(request) };
    },

    /** Makes the bot leave its meeting; the final data then follows as for any meeting. */
    async removeMeetingBaasBot({ botId }: { botId: string }): Promise<void> {
      await meetingBaas.leaveBot(botId);
    },
  };
}
