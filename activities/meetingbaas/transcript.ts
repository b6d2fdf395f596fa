import { Context } from '@temporalio/activity';
import type { z } from 'zod';
import type { ArchiveRef } from '../../domain/archive-ref';
import { v1CompleteSchema, v1TranscriptWords } from '../../domain/meetingbaas/v1';
import { v2CompletedSchema } from '../../domain/meetingbaas/v2';
import { normalizeV2Transcription } from '../../domain/meetingbaas/v2-transcription';
import { groupIntoUtterances, type NormalizedTranscript } from '../../domain/transcript';
import type { Archive } from '../../platform/archive';
import { activityFailure, isFailureOfType } from '../failure';
import { heartbeatWhile } from '../heartbeat-while';
import { downloadV2Transcription } from './v2-transcription';

export interface ArchiveTranscriptInput {
  botId: string;
  /** Claim check of the final webhook body (v1 `complete` or v2 `bot.completed`), stored by the API. */
  payloadRef: ArchiveRef;
}

export interface ArchivedTranscript {
  archive: ArchiveRef;
  utterances: number;
  speakers: string[];
}

export interface TranscriptDeps {
  archive: Archive;
  /** Hosts the v2 transcription file may be downloaded from. */
  allowedHosts: readonly string[];
  /** A newly signed v2 transcription URL, for when the one in `bot.completed` has expired. */
  freshTranscriptionUrl?: (botId: string) => Promise<string>;
  /** How often the activity heartbeats while it works (TRANSCRIPT_NORMALISING's heartbeat timeout is 30 s). */
  heartbeatEveryMs?: number;
}

function parseStored<T>(schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw activityFailure(
      'InvalidPayload',
      `stored final webhook body does not parse: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/**
 * The transcript of a stored final body: v1 `complete` carries the words; v2 `bot.completed` names the
 * `transcription` file, downloaded here.
 */
async function transcriptOf(
  json: unknown,
  botId: string,
  { allowedHosts, freshTranscriptionUrl }: Pick<TranscriptDeps, 'allowedHosts' | 'freshTranscriptionUrl'>,
): Promise<NormalizedTranscript> {
  if ((json as { event?: unknown } | null)?.event === 'bot.completed') {
    const { data } = parseStored(v2CompletedSchema, json);
    if (!data.transcription) {
      throw activityFailure('NoTranscript', 'bot.completed names no transcription file');
    }
    const signal = Context.current().cancellationSignal;
    let transcription;
    try {
      transcription = await downloadV2Transcription(data.transcription, allowedHosts, signal);
    } catch (err) {
      if (!(isFailureOfType(err, 'UrlExpired') && freshTranscriptionUrl)) throw err;
      const url = await freshTranscriptionUrl(botId);
      transcription = await downloadV2Transcription(url, allowedHosts, signal);
    }
    return normalizeV2Transcription(
      transcription,
      data.speakers.map((s) => s.name),
    );
  }
  const complete = parseStored(v1CompleteSchema, json);
  return groupIntoUtterances(v1TranscriptWords(complete), complete.data.speakers);
}

export function meetingBaasTranscriptActivities({ archive, heartbeatEveryMs, ...download }: TranscriptDeps) {
  return {
    /**
     * Reads the final webhook body from the archive, gets its transcript into the normalised form and
     * archives it. Only counts and names go back to the workflow.
     */
    async archiveMeetingBaasTranscript(input: ArchiveTranscriptInput): Promise<ArchivedTranscript> {
      return heartbeatWhile(() => archiveTranscript(input), heartbeatEveryMs);
    },
  };

  async function archiveTranscript({
    botId,
    payloadRef,
  }: ArchiveTranscriptInput): Promise<ArchivedTranscript> {
    const body = await archive.read(payloadRef);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw activityFailure('InvalidPayload', `stored final webhook body ${payloadRef.uri} is not JSON`);
    }
    const transcript = await transcriptOf(json, botId, download);
    const ref = await archive.putJson(`meetingbaas/${botId}/transcript.json`, {
      provider: 'meetingbaas',
      externalId: botId,
      ...transcript,
    });
    return { archive: ref, utterances: transcript.utterances.length, speakers: transcript.speakers };
  }
}
