// What a scripted meeting looks like through Meeting BaaS v2: its webhook bodies, its `transcription`
// artifact and its `GET /v2/bots/{bot_id}` answer, in the shapes of the v2 OpenAPI and docs.
import { callStatusCodes, scenarioTranscript, type Scenario } from './scenario';

export interface V2ArtifactUrls {
  video: string | null;
  transcription: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The bot's v2 status codes, in the order the provider sends them: v1's, framed by v2's own. */
export function v2StatusCodes(s: Scenario): string[] {
  if (s.outcome === 'failed') {
    // Intermediary signal, then recording_failed, then the terminal status (webhooks page).
    return ['queued', ...callStatusCodes(s), 'recording_failed', 'failed'];
  }
  return [
    'queued',
    ...callStatusCodes(s),
    'recording_succeeded',
    ...(s.transcript ? ['transcribing'] : []),
    'completed',
  ];
}

/** The v2 error code of the scenario's failure: `BotNotAccepted` becomes `BOT_NOT_ACCEPTED`. */
export function v2ErrorCode(s: Scenario): string {
  return s.failureCode.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const ERROR_MESSAGE = 'Bot was not accepted into the meeting';

/** When the call ended and when the final webhook is sent: after the last status. */
function timeline(s: Scenario) {
  const codes = v2StatusCodes(s);
  const statusAt = (i: number) => s.startedAtMs + i * 60_000;
  return {
    codes,
    statusAt,
    joinedAt: iso(statusAt(1)),
    exitedAt: iso(statusAt(codes.indexOf(s.outcome === 'failed' ? 'bot_rejected' : 'call_ended'))),
    sentAt: iso(statusAt(codes.length)),
  };
}

export function v2StatusWebhooks(s: Scenario) {
  const { codes, statusAt } = timeline(s);
  return codes.map((code, i) => ({
    event: 'bot.status_change' as const,
    data: {
      bot_id: s.botId,
      event_id: null,
      status: {
        code,
        created_at: iso(statusAt(i)),
        ...(code === 'in_call_recording' ? { start_time: Math.floor(statusAt(i) / 1000) } : {}),
        ...(code === 'recording_failed' ? { error_message: ERROR_MESSAGE } : {}),
      },
    },
    extra: null,
  }));
}

const speakersOf = (s: Scenario) => s.speakers.map((name, i) => ({ name, id: i + 1 }));

export function v2CompletedWebhook(s: Scenario, urls: V2ArtifactUrls) {
  const { joinedAt, exitedAt, sentAt } = timeline(s);
  return {
    event: 'bot.completed' as const,
    data: {
      bot_id: s.botId,
      event_id: null,
      participants: speakersOf(s),
      speakers: s.transcript ? speakersOf(s) : [],
      duration_seconds: 600,
      joined_at: joinedAt,
      exited_at: exitedAt,
      data_deleted: false,
      video: urls.video,
      audio: null,
      diarization: null,
      raw_transcription: null,
      transcription: urls.transcription,
      transcription_provider: urls.transcription ? 'gladia' : null,
      transcription_ids: urls.transcription ? [`gladia-${s.botId}`] : null,
      sent_at: sentAt,
    },
    extra: null,
  };
}

export function v2FailedWebhook(s: Scenario) {
  return {
    event: 'bot.failed' as const,
    data: {
      bot_id: s.botId,
      event_id: null,
      error_code: v2ErrorCode(s),
      error_message: ERROR_MESSAGE,
      sent_at: timeline(s).sentAt,
    },
    extra: null,
  };
}

/** The `transcription` artifact (artifacts page), made from the scenario's transcript. */
export function v2Transcription(s: Scenario) {
  const utterances = scenarioTranscript(s).map((seg) => ({
    text: seg.words.map((w) => w.word).join(' '),
    language: 'en',
    start: seg.words[0]?.start ?? 0,
    end: seg.words.at(-1)?.end ?? 0,
    confidence: 0.95,
    channel: 0,
    words: seg.words.map((w) => ({ word: w.word, start: w.start, end: w.end, confidence: 0.98 })),
    speaker: seg.speaker,
  }));
  return {
    bot_id: s.botId,
    provider: 'gladia',
    result: {
      utterances,
      languages: ['en'],
      total_utterances: utterances.length,
      total_duration: utterances.at(-1)?.end ?? 0,
    },
    created_at: timeline(s).sentAt,
  };
}

/** Where the bot is, as `GET /v2/bots/{bot_id}` reports it. */
export type V2BotState = 'live' | 'processing' | 'done';

/** `GET /v2/bots/{bot_id}`: `GetBotDetailsResponse`; artifacts only once the data is published. */
export function v2BotDetails(s: Scenario, state: V2BotState, urls: V2ArtifactUrls) {
  const { joinedAt, exitedAt } = timeline(s);
  const done = state === 'done';
  const failed = done && s.outcome === 'failed';
  const completed = done && s.outcome === 'complete';
  return {
    success: true as const,
    data: {
      bot_id: s.botId,
      bot_name: 'Simulated bot',
      meeting_url: 'https://meet.google.com/sim-ulat-ed',
      meeting_platform: 'meet' as const,
      recording_mode: 'speaker_view' as const,
      status: failed
        ? ('failed' as const)
        : completed
          ? ('completed' as const)
          : state === 'live'
            ? ('in_call_recording' as const)
            : ('transcribing' as const),
      created_at: iso(s.startedAtMs),
      joined_at: joinedAt,
      exited_at: state === 'live' ? null : exitedAt,
      duration_seconds: completed ? 600 : null,
      participants: speakersOf(s),
      speakers: completed && s.transcript ? speakersOf(s) : [],
      artifacts_deleted: false,
      video: completed ? urls.video : null,
      audio: null,
      diarization: null,
      raw_transcription: null,
      transcription: completed ? urls.transcription : null,
      chat_messages: null,
      transcription_ids: completed && urls.transcription ? [`gladia-${s.botId}`] : null,
      transcription_provider: completed && urls.transcription ? ('gladia' as const) : null,
      error_code: failed ? v2ErrorCode(s) : null,
      error_message: failed ? ERROR_MESSAGE : null,
      tokens: null,
      extra: null,
      zoom_config: null,
    },
  };
}
