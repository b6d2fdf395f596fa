// A scripted Meeting BaaS meeting: its settings, its transcript and the v1 webhooks it produces.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { externalIdSchema } from '../../domain/ids';

export const scenarioSchema = z.object({
  botId: externalIdSchema.optional(),
  outcome: z.enum(['complete', 'failed']).default('complete'),
  /** The `failed` event's error code. */
  failureCode: z.string().default('BotNotAccepted'),
  speakers: z.array(z.string().min(1)).min(1).default(['Alice', 'Bob']),
  /** Words in the transcript; a 3-hour meeting is about 30 000. */
  words: z.number().int().min(0).max(2_000_000).default(40),
  /** false: `complete` has no transcript (speech_to_text not set). */
  transcript: z.boolean().default(true),
  recordingBytes: z
    .number()
    .int()
    .min(0)
    .max(4 * 1024 ** 3)
    .default(256 * 1024),
  /** Throttles recording downloads (fault: slow download). */
  bytesPerSecond: z.number().int().positive().optional(),
  /** Lifetime of the mp4 URL in `complete` (2 hours at Meeting BaaS; 0 = already expired). */
  urlExpiresSeconds: z.number().int().min(0).default(7200),
  /** Adds recording_paused / recording_resumed. */
  pause: z.boolean().default(false),
  /** The final data shows in the REST API only this long after the meeting is created (fault: late data). */
  dataDelayMs: z.number().int().min(0).default(0),
  /** false: the REST API never shows the final data (fault: data never published). */
  dataPublished: z.boolean().default(true),
  /** The first N recording downloads are cut off halfway (fault: connection lost mid-body). */
  cutDownloads: z.number().int().min(0).default(0),
  /** The recording's storage ignores Range and always sends the whole file (fault: no resume). */
  ignoreRange: z.boolean().default(false),
  /** The storage serves Range but ignores If-Range (fault: a changed file's ranges served all the same). */
  ignoreIfRange: z.boolean().default(false),
});
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.infer<typeof scenarioSchema> & {
  botId: string;
  startedAtMs: number;
  createdAtMs: number;
  /** A bot sent through POST /bots that has not left yet: no final data until it does. */
  live?: boolean;
  /** Where this bot's webhooks go (POST /bots `webhook_url`). */
  webhookUrl?: string;
};

export interface V1Word {
  start: number;
  end: number;
  word: string;
}
export interface V1Segment {
  speaker: string;
  words: V1Word[];
}

const VOCABULARY =
  'so the plan for this quarter is to ship the archive first and then look at the numbers together'.split(
    ' ',
  );

/** A transcript in v1 webhook form: speakers take turns of 6 to 12 words. */
export function scenarioTranscript(s: Scenario): V1Segment[] {
  const segments: V1Segment[] = [];
  let t = 1.25;
  for (let i = 0, turn = 0; i < s.words; turn++) {
    const speaker = s.speakers[turn % s.speakers.length]!;
    const words: V1Word[] = [];
    for (let n = 6 + (turn % 7); n > 0 && i < s.words; n--, i++) {
      words.push({ start: t, end: t + 0.3, word: VOCABULARY[i % VOCABULARY.length]! });
      t += 0.35;
    }
    segments.push({ speaker, words });
    t += 0.8;
  }
  return segments;
}

export function createScenario(input: ScenarioInput, nowMs: number): Scenario {
  const parsed = scenarioSchema.parse(input);
  return {
    ...parsed,
    botId: parsed.botId ?? randomUUID(),
    startedAtMs: nowMs - 30 * 60_000,
    createdAtMs: nowMs,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The bot's status codes in the call, in the order the provider sends them (v1 and v2 alike). */
export function callStatusCodes(s: Scenario): string[] {
  return s.outcome === 'complete'
    ? [
        'joining_call',
        'in_waiting_room',
        'in_call_not_recording',
        'in_call_recording',
        ...(s.pause ? ['recording_paused', 'recording_resumed'] : []),
        'call_ended',
      ]
    : ['joining_call', 'in_waiting_room', 'bot_rejected'];
}

/** The v1 `bot.status_change` bodies of the meeting, in the order the provider sends them. */
export function statusWebhooks(s: Scenario): object[] {
  return callStatusCodes(s).map((code, i) => {
    const at = s.startedAtMs + i * 60_000;
    const status: Record<string, string> = { code, created_at: iso(at) };
    if (code === 'in_call_recording') status.start_time = iso(at);
    return { event: 'bot.status_change', data: { bot_id: s.botId, status } };
  });
}

export function completeWebhook(s: Scenario, mp4Url: string): object {
  return {
    event: 'complete',
    data: {
      bot_id: s.botId,
      mp4: mp4Url,
      speakers: s.transcript ? s.speakers : [],
      ...(s.transcript ? { transcript: scenarioTranscript(s) } : {}),
    },
  };
}

export function failedWebhook(s: Scenario): object {
  return { event: 'failed', data: { bot_id: s.botId, error: s.failureCode } };
}
