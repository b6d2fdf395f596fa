// Activities that talk to the Meeting BaaS REST API: reconcile a meeting whose final webhook is missing,
// refresh an expired recording URL, send a bot and make it leave.
import { log } from '@temporalio/activity';
import { z } from 'zod';
import type { ArchiveRef } from '../../domain/archive-ref';
import type { ProviderEvent } from '../../domain/events';
import type { BotRequest } from '../../domain/meetingbaas/bot-request';
import { finalDataRecordingUrl } from '../../domain/meetingbaas/final-data';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { redactPresignedUrl } from '../../domain/redact';
import type { Archive } from '../../platform/archive';
import { activityFailure } from '../failure';
import type { FreshUrl, MeetingBaasClient } from './client';

export interface MeetingBaasProviderDeps {
  archive: Archive;
  meetingBaas: MeetingBaasClient;
}

/** The final data's own signed URL, for refreshMeetingBaasRecordingUrl to hand out while it lasts. */
export interface StoredRecordingUrl {
  /** Claim check of the final data's body, which holds the signed URL. */
  payloadRef: ArchiveRef;
  /** When that URL stops working, if known. */
  expiresAt?: string;
  /** The URL must work at least until then; otherwise the provider is asked for a new one. */
  validUntil: string;
}

/** The signed recording URL of a claim-checked final body (v1 `complete`, v2 `bot.completed`), if any. */
export async function storedRecordingUrl(
  archive: Archive,
  payloadRef: ArchiveRef,
): Promise<string | undefined> {
  let body: unknown;
  try {
    body = JSON.parse((await archive.read(payloadRef)).toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  return finalDataRecordingUrl(body);
}

// The API validated the request before storing it; this only makes sure the file is one.
const storedBotRequestSchema = z.object({
  request: z.looseObject({ meeting_url: z.string(), bot_name: z.string() }),
});

/**
 * A bot request as the API stored it (MeetingsGateway.sendBot): `{salt, request}`, the salt keeping the
 * reference's sha256 (in the history) from confirming a guessed meeting password.
 */
async function storedBotRequest(archive: Archive, requestRef: ArchiveRef): Promise<BotRequest> {
  let stored: unknown;
  try {
    stored = JSON.parse((await archive.read(requestRef)).toString('utf8'));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  const parsed = storedBotRequestSchema.safeParse(stored);
  if (!parsed.success) {
    throw activityFailure(
      'InvalidBotRequest',
      `the stored bot request ${requestRef.sha256.slice(0, 12)}… does not parse`,
    );
  }
  return parsed.data.request;
}

/** What the provider's API said when asked for a meeting's final data. */
export type ReconcileResult =
  | {
      outcome: 'pending';
      detail: string;
      /** The provider shows the bot still in the call (false: it left); absent in results of older runs. */
      inCall?: boolean;
    }
  | { outcome: 'event'; event: ProviderEvent };

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
      if (answer.state === 'pending')
        return { outcome: 'pending', detail: answer.detail, inCall: answer.inCall };
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
          // The signed URL stays in the claim-checked body: the workflow gets it without its query.
          recording: answer.recordingUrl
            ? {
                url: redactPresignedUrl(answer.recordingUrl),
                urlExpiresAt: presignedUrlExpiry(answer.recordingUrl),
                redacted: true as const,
              }
            : undefined,
          hasTranscript: answer.hasTranscript,
          speakers: answer.speakers,
          payloadRef,
          note: 'final data read from the provider API (no final webhook arrived)',
        },
      };
    },

    /**
     * A recording URL for the refreshRecordingUrl Update: the final data's own (read from its claim-checked
     * body) while it is valid until `validUntil`, else a newly signed one from the provider. Its result is
     * the Update's result, the one signed URL the contract puts into Temporal (until issue 16 encrypts it).
     */
    async refreshMeetingBaasRecordingUrl({
      botId,
      payloadRef,
      expiresAt,
      validUntil,
    }: { botId: string } & Partial<StoredRecordingUrl>): Promise<FreshUrl> {
      if (payloadRef && expiresAt && validUntil && Date.parse(expiresAt) >= Date.parse(validUntil)) {
        const url = await storedRecordingUrl(archive, payloadRef);
        if (url) return { url, expiresAt };
      }
      return meetingBaas.recordingUrl(botId);
    },

    /**
     * Sends a bot; the provider's answer carries its id. The request is read from the archive (`requestRef`),
     * so that its meeting password and speech_to_text key stay out of the history; runs started before the
     * issue-12 hygiene pass the `request` itself.
     */
    async createMeetingBaasBot({
      request,
      requestRef,
    }: {
      request?: BotRequest;
      requestRef?: ArchiveRef;
    }): Promise<{ botId: string }> {
      const sent = requestRef ? await storedBotRequest(archive, requestRef) : request;
      if (!sent) throw activityFailure('InvalidBotRequest', 'no bot request given');
      return { botId: await meetingBaas.createBot(sent) };
    },

    /**
     * Deletes the stored bot request once the provider has answered it (a bot, or a refusal): it holds the
     * meeting's password and the speech-to-text key, and nothing reads it again.
     */
    async forgetBotRequest({ requestRef }: { requestRef: ArchiveRef }): Promise<void> {
      await archive.delete(requestRef);
    },

    /** Makes the bot leave its meeting; the final data then follows as for any meeting. */
    async removeMeetingBaasBot({ botId }: { botId: string }): Promise<void> {
      await meetingBaas.leaveBot(botId);
    },
  };
}
