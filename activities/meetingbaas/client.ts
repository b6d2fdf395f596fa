// The Meeting BaaS REST calls the activities make (v1 or v2 API), each answer validated with zod and each
// HTTP failure turned into an activity failure that Temporal retries, or not (see http-failure.ts).
import { z } from 'zod';
import { toV2CreateBot, type BotRequest } from '../../domain/meetingbaas/bot-request';
import { V2_STATUS_CODES } from '../../domain/meetingbaas/v2';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { activityFailure, isFailureOfType } from '../failure';
import { failureFromResponse } from '../http-failure';

export type MeetingBaasApiVersion = 'v1' | 'v2';

export interface MeetingBaasClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  apiVersion: MeetingBaasApiVersion;
  /**
   * Where v1 bots report their webhooks (`PUBLIC_URL` + `/webhooks/meetingbaas`); unset: the account's
   * default. Never the caller's: v1 webhooks carry the account's API key to that URL. (v2 webhooks are
   * configured per account only.)
   */
  webhookUrl?: string;
}

/** What the provider's API says about a bot's final data. */
export type FinalDataAnswer =
  | {
      state: 'pending';
      detail: string;
      /** Whether the provider shows the bot still in the call (false: it left, the data is not out yet). */
      inCall: boolean;
    }
  | { state: 'failed'; code: string; message: string }
  | {
      state: 'ready';
      /** The data in the shape of the final webhook (v1 `complete`, v2 `bot.completed`), for the claim check. */
      body: object;
      recordingUrl?: string;
      hasTranscript: boolean;
      speakers: string[];
    };

export interface FreshUrl {
  url: string;
  /** When the URL stops working: from the URL itself, else the documented lifetime. */
  expiresAt: string;
}

const v1MeetingDataSchema = z.object({
  bot_data: z.object({
    bot: z.object({
      uuid: z.string(),
      ended_at: z.string().nullish(),
      errors: z.string().nullish(),
    }),
    transcripts: z
      .array(
        z.object({
          speaker: z.string(),
          words: z.array(z.object({ start_time: z.number(), end_time: z.number(), text: z.string() })),
        }),
      )
      .default([]),
  }),
  mp4: z.string().nullish(),
});

const named = z.object({ name: z.string() });
const v2BotSchema = z.object({
  success: z.literal(true),
  data: z
    .object({
      bot_id: z.string(),
      status: z.string(),
      video: z.string().nullish(),
      transcription: z.string().nullish(),
      speakers: z.array(named).nullish(),
      error_code: z.string().nullish(),
      error_message: z.string().nullish(),
    })
    .loose(),
});

const v1JoinSchema = z.object({ bot_id: z.string().min(1) });
const v2CreateSchema = z.object({ success: z.literal(true), data: z.object({ bot_id: z.string().min(1) }) });

const LIFETIME_MS: Record<MeetingBaasApiVersion, number> = { v1: 2 * 3600_000, v2: 4 * 3600_000 };

export class MeetingBaasClient {
  constructor(private readonly options: MeetingBaasClientOptions) {}

  get apiVersion(): MeetingBaasApiVersion {
    return this.options.apiVersion;
  }

  private async call<T>(
    what: string,
    path: string,
    schema: z.ZodType<T>,
    init: RequestInit = {},
  ): Promise<T> {
    if (!this.options.apiKey) {
      throw activityFailure('ProviderNotConfigured', `${what}: MEETINGBAAS_API_KEY is not configured`);
    }
    const res = await fetch(new URL(path, this.options.baseUrl), {
      ...init,
      headers: {
        'x-meeting-baas-api-key': this.options.apiKey,
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw failureFromResponse(res, `Meeting BaaS ${what}`);
    }
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) {
      // An answer we cannot read may be a passing glitch of the provider: ProviderInvalidAnswer is retried.
      throw activityFailure(
        'ProviderInvalidAnswer',
        `Meeting BaaS ${what}: unexpected answer: ${z.prettifyError(parsed.error).slice(0, 500)}`,
      );
    }
    return parsed.data;
  }

  private fresh(url: string): FreshUrl {
    return {
      url,
      expiresAt:
        presignedUrlExpiry(url) ?? new Date(Date.now() + LIFETIME_MS[this.options.apiVersion]).toISOString(),
    };
  }

  private v1MeetingData(botId: string, includeTranscripts: boolean) {
    const query = `bot_id=${encodeURIComponent(botId)}&include_transcripts=${includeTranscripts}`;
    return this.call('meeting data', `/bots/meeting_data?${query}`, v1MeetingDataSchema);
  }

  private async v2Bot(botId: string) {
    return (await this.call('bot details', `/v2/bots/${encodeURIComponent(botId)}`, v2BotSchema)).data;
  }

  /** Whether the bot's final data is published (v1 `GET /bots/meeting_data`, v2 `GET /v2/bots/{id}`). */
  async finalData(botId: string): Promise<FinalDataAnswer> {
    if (this.options.apiVersion === 'v1') {
      const data = await this.v1MeetingData(botId, true);
      const { bot, transcripts } = data.bot_data;
      if (data.mp4 && bot.ended_at) {
        const speakers = [...new Set(transcripts.map((t) => t.speaker))];
        return {
          state: 'ready',
          recordingUrl: data.mp4,
          hasTranscript: transcripts.length > 0,
          speakers,
          body: {
            event: 'complete',
            data: {
              bot_id: botId,
              mp4: data.mp4,
              speakers,
              ...(transcripts.length
                ? {
                    transcript: transcripts.map((t) => ({
                      speaker: t.speaker,
                      words: t.words.map((w) => ({ start: w.start_time, end: w.end_time, word: w.text })),
                    })),
                  }
                : {}),
            },
          },
        };
      }
      if (bot.errors && !data.mp4) {
        return { state: 'failed', code: bot.errors, message: `Meeting BaaS reports: ${bot.errors}` };
      }
      return {
        state: 'pending',
        detail: bot.ended_at
          ? 'the bot has left, the recording is not published yet'
          : 'the bot has not left',
        inCall: !bot.ended_at,
      };
    }

    const data = await this.v2Bot(botId);
    if (data.status === 'completed') {
      return {
        state: 'ready',
        recordingUrl: data.video ?? undefined,
        hasTranscript: !!data.transcription,
        speakers: (data.speakers ?? []).map((s) => s.name),
        // Shaped like the webhook: the bot's details (`status` aside) and the time it was read.
        body: {
          event: 'bot.completed',
          data: { ...data, status: undefined, sent_at: new Date().toISOString() },
          extra: null,
        },
      };
    }
    if (data.status === 'failed') {
      return {
        state: 'failed',
        code: data.error_code ?? 'failed',
        message: data.error_message ?? 'Meeting BaaS reports the bot failed',
      };
    }
    // A status that says the call is over (call_ended, transcribing, …); any other, even unknown: still in.
    const kind = V2_STATUS_CODES[data.status]?.kind;
    const left = kind === 'ended' || kind === 'ended_unadmitted';
    return { state: 'pending', detail: `the bot's status is ${data.status}`, inCall: !left };
  }

  /** A freshly signed recording URL from the provider (the v1 answer without its transcript). */
  async recordingUrl(botId: string): Promise<FreshUrl> {
    const url =
      this.options.apiVersion === 'v1'
        ? (await this.v1MeetingData(botId, false)).mp4
        : (await this.v2Bot(botId)).video;
    if (!url) {
      throw activityFailure('NoRecording', `Meeting BaaS has no recording for bot ${botId}`);
    }
    return this.fresh(url);
  }

  /** A freshly signed v2 `transcription` artifact URL (the artifact exists in v2 only). */
  async transcriptionUrl(botId: string): Promise<string> {
    const { transcription } = await this.v2Bot(botId);
    if (!transcription) {
      throw activityFailure('NoTranscript', `Meeting BaaS has no transcription for bot ${botId}`);
    }
    return transcription;
  }

  /** Sends a bot; returns its id. */
  async createBot(request: BotRequest): Promise<string> {
    if (this.options.apiVersion === 'v1') {
      const body = JSON.stringify({ ...request, webhook_url: this.options.webhookUrl });
      return (await this.call('join', '/bots/', v1JoinSchema, { method: 'POST', body })).bot_id;
    }
    const body = JSON.stringify(toV2CreateBot(request));
    return (await this.call('create bot', '/v2/bots', v2CreateSchema, { method: 'POST', body })).data.bot_id;
  }

  /** Asks the bot to leave its meeting (v1 `DELETE /bots/{uuid}`, v2 `POST /v2/bots/{id}/leave`). */
  async leaveBot(botId: string): Promise<void> {
    const id = encodeURIComponent(botId);
    try {
      if (this.options.apiVersion === 'v1') {
        await this.call('leave', `/bots/${id}`, z.unknown(), { method: 'DELETE' });
      } else {
        await this.call('leave', `/v2/bots/${id}/leave`, z.unknown(), { method: 'POST' });
      }
    } catch (err) {
      // 409: the bot's status does not allow leaving, i.e. it has already left. That is what was asked.
      if (isFailureOfType(err, 'Http409')) return;
      throw err;
    }
  }

  /**
   * Asks Meeting BaaS to delete the bot's data (v1 `POST /bots/{uuid}/delete_data`, v2
   * `DELETE /v2/bots/{id}/delete-data?delete_from_provider=true`); the provider's own words on success.
   */
  async deleteData(botId: string): Promise<string> {
    const id = encodeURIComponent(botId);
    if (this.options.apiVersion === 'v1') {
      const answer = await this.call('delete data', `/bots/${id}/delete_data`, v1DeleteSchema, {
        method: 'POST',
      });
      return `Meeting BaaS: ${answer.ok ? 'deleted' : 'not deleted'} (${answer.status})`;
    }
    const answer = await this.call(
      'delete data',
      `/v2/bots/${id}/delete-data?delete_from_provider=true`,
      v2DeleteSchema,
      { method: 'DELETE' },
    );
    return `Meeting BaaS: ${answer.data.message}`;
  }
}

// The delete answers (v1 DeleteResponse, v2 DeleteBotDataResponse), as far as they are read.
const v1DeleteSchema = z.object({ ok: z.boolean(), status: z.string() }).loose();
const v2DeleteSchema = z.object({ data: z.object({ message: z.string() }).loose() }).loose();
