import { groupIntoUtterances, normalizedTranscriptSchema, type TimedWord } from '../../domain/transcript';

const w = (speaker: string, start: number, end: number, text: string): TimedWord => ({
  speaker,
  start,
  end,
  text,
});

/** A compact view of the utterances: [speaker, text, start, end]. */
const summary = (words: TimedWord[], known?: string[]) =>
  groupIntoUtterances(words, known).utterances.map((u) => [u.speaker, u.text, u.start, u.end]);

describe('groupIntoUtterances', () => {
  test('empty input gives no utterances and no speakers', () => {
    expect(groupIntoUtterances([])).toEqual({ speakers: [], utterances: [] });
  });

  test('empty input still lists the known speakers', () => {
    expect(groupIntoUtterances([], ['Alice', 'Bob'])).toEqual({ speakers: ['Alice', 'Bob'], utterances: [] });
  });

  test.each<[string, TimedWord[], Array<[string, string, number, number]>]>([
    [
      'consecutive words of one speaker form one utterance',
      [w('A', 0, 0.5, 'hello'), w('A', 0.5, 1, 'there'), w('A', 1, 1.4, 'friend')],
      [['A', 'hello there friend', 0, 1.4]],
    ],
    [
      'a speaker change starts a new utterance',
      [w('A', 0, 1, 'hi'), w('B', 1, 2, 'hello'), w('B', 2, 3, 'you'), w('A', 3, 4, 'bye')],
      [
        ['A', 'hi', 0, 1],
        ['B', 'hello you', 1, 3],
        ['A', 'bye', 3, 4],
      ],
    ],
    [
      'words are put in time order across segments before grouping',
      // As the provider sends them: per segment, but the turns interleave in time.
      [w('A', 1, 1.5, 'one'), w('A', 3, 3.5, 'three'), w('B', 2, 2.5, 'two')],
      [
        ['A', 'one', 1, 1.5],
        ['B', 'two', 2, 2.5],
        ['A', 'three', 3, 3.5],
      ],
    ],
    [
      'words of one speaker given out of order are reordered',
      [w('A', 2, 2.5, 'world'), w('A', 1, 1.5, 'hello')],
      [['A', 'hello world', 1, 2.5]],
    ],
    [
      'equal start times keep the given order (stable)',
      [w('A', 1, 2, 'first'), w('B', 1, 2, 'second'), w('A', 1, 2, 'third')],
      [
        ['A', 'first', 1, 2],
        ['B', 'second', 1, 2],
        ['A', 'third', 1, 2],
      ],
    ],
    [
      'times are rounded to the millisecond',
      [
        w('A', 1.3348110430839002, 1.4549110430839003, 'Hi'),
        w('A', 1.4549110430839003, 1.5750110430839004, 'Bob!'),
      ],
      [['A', 'Hi Bob!', 1.335, 1.575]],
    ],
    [
      'sub-millisecond parts round to the nearest millisecond',
      [w('A', 2.0004, 2.0006, 'x')],
      [['A', 'x', 2, 2.001]],
    ],
    [
      'an utterance ends at its latest word end, even if a later word ends earlier',
      [w('A', 0, 5, 'long'), w('A', 1, 2, 'short')],
      [['A', 'long short', 0, 5]],
    ],
    [
      'empty and whitespace-only words are skipped',
      [w('A', 0, 1, 'hi'), w('A', 1, 1.1, ''), w('A', 1.1, 1.2, '   '), w('A', 1.2, 2, 'there')],
      [['A', 'hi there', 0, 2]],
    ],
    [
      'a whitespace-only word of another speaker does not split an utterance',
      [w('A', 0, 1, 'hi'), w('B', 1, 1.1, ' \t'), w('A', 1.2, 2, 'there')],
      [['A', 'hi there', 0, 2]],
    ],
    [
      'an utterance starts at its first non-empty word',
      [w('A', 0, 0.5, ' '), w('A', 0.7, 1, 'late')],
      [['A', 'late', 0.7, 1]],
    ],
    [
      'words are trimmed and joined with single spaces',
      [w('A', 0, 1, '  hello '), w('A', 1, 2, '\tworld\n')],
      [['A', 'hello world', 0, 2]],
    ],
  ])('%s', (_name, words, expected) => {
    expect(summary(words)).toEqual(expected);
  });

  test('each utterance keeps its words with rounded times and trimmed text', () => {
    const { utterances } = groupIntoUtterances([w('A', 0.00049, 0.2, ' a '), w('A', 0.2, 0.40051, 'b')]);
    expect(utterances).toEqual([
      {
        speaker: 'A',
        start: 0,
        end: 0.401,
        text: 'a b',
        words: [
          { start: 0, end: 0.2, text: 'a' },
          { start: 0.2, end: 0.401, text: 'b' },
        ],
      },
    ]);
  });

  test.each<[string, TimedWord[], string[], string[]]>([
    [
      'no known speakers: order of appearance',
      [w('Bob', 0, 1, 'x'), w('Alice', 1, 2, 'y')],
      [],
      ['Bob', 'Alice'],
    ],
    [
      'known speakers first, then the others in order of appearance',
      [w('Carol', 0, 1, 'a'), w('Bob', 1, 2, 'b'), w('Carol', 2, 3, 'c'), w('Dave', 3, 4, 'd')],
      ['Alice', 'Bob'],
      ['Alice', 'Bob', 'Carol', 'Dave'],
    ],
    [
      'known speakers who never spoke are still listed',
      [w('Bob', 0, 1, 'x')],
      ['Alice', 'Bob'],
      ['Alice', 'Bob'],
    ],
    ['no duplicates in the known list', [w('Bob', 0, 1, 'x')], ['Bob', 'Alice', 'Bob'], ['Bob', 'Alice']],
    [
      'appearance order is time order, not input order',
      [w('Late', 5, 6, 'x'), w('Early', 1, 2, 'y')],
      [],
      ['Early', 'Late'],
    ],
    ['someone who only said blanks is not a speaker', [w('A', 0, 1, 'x'), w('Mute', 1, 2, '  ')], [], ['A']],
  ])('speakers: %s', (_name, words, known, expected) => {
    expect(groupIntoUtterances(words, known).speakers).toEqual(expected);
  });

  test('does not mutate its input', () => {
    const words = [w('A', 2, 3, ' b '), w('A', 1, 2, 'a')];
    const known = ['A'];
    const before = structuredClone(words);
    groupIntoUtterances(words, known);
    expect(words).toEqual(before);
    expect(known).toEqual(['A']);
  });

  test('the result matches the normalized transcript schema', () => {
    const result = groupIntoUtterances([w('A', 0, 1, 'hi'), w('B', 1, 2, 'yo')], ['A']);
    expect(normalizedTranscriptSchema.safeParse(result).success).toBe(true);
  });
});
