import { normalizedTranscriptSchema } from '../../domain/transcript';
import type { WebexSnippet } from '../../domain/webex/api';
import { snippetSpeaker, snippetsToTranscript } from '../../domain/webex/transcript';

let n = 0;
const snippet = (
  personName: string | null | undefined,
  personEmail: string | null | undefined,
  offsetMillisecond: number,
  durationMillisecond: number,
  text: string,
): WebexSnippet => ({
  id: `t_${++n}`,
  text,
  personName,
  personEmail,
  offsetMillisecond,
  durationMillisecond,
});

describe('snippetSpeaker', () => {
  test.each<[string | null | undefined, string | null | undefined, string]>([
    ['John Andersen', 'john.andersen@example.com', 'John Andersen'],
    ['', 'guest@example.com', 'guest@example.com'],
    [undefined, 'guest@example.com', 'guest@example.com'],
    [null, null, 'Unknown'],
    ['  ', '', 'Unknown'],
    [undefined, undefined, 'Unknown'],
  ])('name %p, email %p -> %p', (personName, personEmail, expected) => {
    expect(snippetSpeaker({ personName, personEmail })).toBe(expected);
  });
});

describe('snippetsToTranscript', () => {
  test('times in seconds: start = offset, end = start + duration', () => {
    const t = snippetsToTranscript([snippet('John Andersen', 'j@x', 1000, 1500, 'Hello everyone')]);
    expect(t).toEqual({
      speakers: ['John Andersen'],
      utterances: [
        {
          speaker: 'John Andersen',
          start: 1,
          end: 2.5,
          text: 'Hello everyone',
          words: [{ start: 1, end: 2.5, text: 'Hello everyone' }],
        },
      ],
    });
    expect(normalizedTranscriptSchema.safeParse(t).success).toBe(true);
  });

  test('consecutive snippets of one speaker are one utterance; a change of speaker starts another', () => {
    const t = snippetsToTranscript([
      snippet('Ann', 'ann@x', 0, 2000, 'Good morning.'),
      snippet('Ann', 'ann@x', 2000, 1000, 'Shall we start?'),
      snippet('Bob', 'bob@x', 3500, 1200, 'Yes.'),
      snippet('Ann', 'ann@x', 5000, 500, 'Great.'),
    ]);
    expect(t.speakers).toEqual(['Ann', 'Bob']);
    expect(t.utterances.map((u) => [u.speaker, u.text, u.start, u.end])).toEqual([
      ['Ann', 'Good morning. Shall we start?', 0, 3],
      ['Bob', 'Yes.', 3.5, 4.7],
      ['Ann', 'Great.', 5, 5.5],
    ]);
  });

  test('a speaker without a name is named by email, else Unknown', () => {
    const t = snippetsToTranscript([
      snippet(undefined, 'guest@example.com', 0, 1000, 'Hi'),
      snippet(null, null, 1000, 1000, 'Hello?'),
    ]);
    expect(t.speakers).toEqual(['guest@example.com', 'Unknown']);
  });

  test('snippets out of order are put in time order; empty texts are dropped', () => {
    const t = snippetsToTranscript([
      snippet('B', null, 4000, 1000, 'second'),
      snippet('A', null, 1000, 1000, 'first'),
      snippet('A', null, 2000, 500, '   '),
    ]);
    expect(t.utterances.map((u) => [u.speaker, u.text])).toEqual([
      ['A', 'first'],
      ['B', 'second'],
    ]);
  });

  test('no snippets: an empty transcript', () => {
    expect(snippetsToTranscript([])).toEqual({ speakers: [], utterances: [] });
  });
});
