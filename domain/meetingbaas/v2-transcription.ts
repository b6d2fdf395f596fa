// The v2 `transcription` artifact (artifacts page: "Transcription Artifact") and its normalised form.
import { z } from 'zod';
import type { NormalizedTranscript, Utterance } from '../transcript';

const v2WordSchema = z.object({
  word: z.string(),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
});

export const v2TranscriptionSchema = z.object({
  result: z.object({
    utterances: z.array(
      z.object({
        // Real names in this artifact; numbers (raw provider ids) or null are tolerated.
        speaker: z
          .union([z.string(), z.number()])
          .nullish()
          .transform((s) => (s === null || s === undefined || s === '' ? 'unknown' : String(s))),
        start: z.number().nonnegative(),
        end: z.number().nonnegative(),
        text: z.string(),
        words: z.array(v2WordSchema).default([]),
      }),
    ),
  }),
});
export type V2Transcription = z.infer<typeof v2TranscriptionSchema>;

const seconds = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The provider's utterances as they are (their boundaries and punctuated text are better than regrouping
 * words), in time order, times in seconds. `knownSpeakers` (from the final data) come first in `speakers`.
 */
export function normalizeV2Transcription(
  transcription: V2Transcription,
  knownSpeakers: readonly string[] = [],
): NormalizedTranscript {
  // Stable sort: utterances with equal start keep the provider's order.
  const ordered = transcription.result.utterances
    .map((u, i) => ({ u, i }))
    .sort((a, b) => a.u.start - b.u.start || a.i - b.i)
    .map(({ u }) => u);
  const utterances: Utterance[] = ordered
    .map((u) => ({
      speaker: u.speaker,
      start: seconds(u.start),
      end: seconds(u.end),
      text: u.text.trim(),
      words: u.words
        .map((w) => ({ start: seconds(w.start), end: seconds(w.end), text: w.word.trim() }))
        .filter((w) => w.text),
    }))
    .filter((u) => u.text || u.words.length);
  const speakers = [...new Set([...knownSpeakers, ...utterances.map((u) => u.speaker)])];
  return { speakers, utterances };
}
