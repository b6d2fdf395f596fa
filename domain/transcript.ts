import { z } from 'zod';

// The one transcript format this service archives, whatever the provider: utterances (a speaker's turn),
// times in seconds from the start of the recording.

export const utteranceSchema = z.object({
  speaker: z.string(),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
  words: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});
export type Utterance = z.infer<typeof utteranceSchema>;

export const normalizedTranscriptSchema = z.object({
  speakers: z.array(z.string()),
  utterances: z.array(utteranceSchema),
});
export type NormalizedTranscript = z.infer<typeof normalizedTranscriptSchema>;

export interface TimedWord {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

const seconds = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Groups words into utterances: consecutive words of one speaker, in time order, make one utterance.
 * `knownSpeakers` (the provider's own list) comes first in `speakers`; anyone else who spoke follows.
 */
export function groupIntoUtterances(
  words: readonly TimedWord[],
  knownSpeakers: readonly string[] = [],
): NormalizedTranscript {
  // Stable sort: words with equal start keep the provider's order.
  const ordered = words.map((w, i) => ({ w, i })).sort((a, b) => a.w.start - b.w.start || a.i - b.i);
  const utterances: Utterance[] = [];
  for (const { w } of ordered) {
    const word = { start: seconds(w.start), end: seconds(w.end), text: w.text.trim() };
    if (!word.text) continue;
    const last = utterances.at(-1);
    if (last && last.speaker === w.speaker) {
      last.words!.push(word);
      last.end = Math.max(last.end, word.end);
      last.text += ` ${word.text}`;
    } else {
      utterances.push({
        speaker: w.speaker,
        start: word.start,
        end: word.end,
        text: word.text,
        words: [word],
      });
    }
  }
  const speakers = [...new Set([...knownSpeakers, ...utterances.map((u) => u.speaker)])];
  return { speakers, utterances };
}
