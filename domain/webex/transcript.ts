import { groupIntoUtterances, type NormalizedTranscript, type TimedWord } from '../transcript';
import type { WebexSnippet } from './api';

// Webex transcript snippets (one speaker's line each, times in milliseconds from the transcript's start)
// into the service's normalized transcript.

/** Who spoke a snippet: the name, else the email (guests may have only one), else 'Unknown'. */
export function snippetSpeaker(snippet: Pick<WebexSnippet, 'personName' | 'personEmail'>): string {
  return snippet.personName?.trim() || snippet.personEmail?.trim() || 'Unknown';
}

/** Consecutive snippets of one speaker become one utterance; each snippet stays as one of its `words`. */
export function snippetsToTranscript(snippets: readonly WebexSnippet[]): NormalizedTranscript {
  const timed: TimedWord[] = snippets.map((s) => {
    const start = s.offsetMillisecond / 1000;
    return { speaker: snippetSpeaker(s), start, end: start + s.durationMillisecond / 1000, text: s.text };
  });
  return groupIntoUtterances(timed);
}
