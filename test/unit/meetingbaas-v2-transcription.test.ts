// The Meeting BaaS v2 transcription artifact (domain/meetingbaas/v2-transcription.ts): parsed and
// normalised into the service's transcript.
import { normalizeV2Transcription, v2TranscriptionSchema } from '../../domain/meetingbaas/v2-transcription';
import { normalizedTranscriptSchema } from '../../domain/transcript';
import { BOT } from './meetingbaas-v2-fixtures';

describe('the v2 transcription artifact', () => {
  // The artifacts page's example, with a second utterance out of order and one without a speaker.
  const artifact = {
    bot_id: BOT,
    provider: 'gladia',
    result: {
      utterances: [
        {
          text: 'Thanks, John.',
          language: 'en',
          start: 2.5,
          end: 3.1,
          confidence: 0.9,
          channel: 0,
          words: [
            { word: 'Thanks,', start: 2.5, end: 2.8, confidence: 0.9 },
            { word: 'John.', start: 2.8, end: 3.1, confidence: 0.9 },
          ],
          speaker: null,
        },
        {
          text: 'Hello everyone, welcome to the meeting',
          language: 'en',
          start: 0.5,
          end: 2.1,
          confidence: 0.95,
          channel: 0,
          words: [
            { word: 'Hello', start: 0.5, end: 0.8, confidence: 0.98 },
            { word: 'everyone', start: 0.8, end: 1.2, confidence: 0.96 },
          ],
          speaker: 'John Doe',
        },
      ],
      languages: ['en'],
      total_utterances: 2,
      total_duration: 3600.5,
    },
    created_at: '2025-01-15T11:00:00Z',
  };

  test('becomes the normalised transcript: provider utterances in time order, known speakers first', () => {
    const transcript = normalizeV2Transcription(v2TranscriptionSchema.parse(artifact), [
      'Jane Smith',
      'John Doe',
    ]);
    expect(normalizedTranscriptSchema.parse(transcript)).toEqual(transcript);
    expect(transcript.speakers).toEqual(['Jane Smith', 'John Doe', 'unknown']);
    expect(transcript.utterances).toEqual([
      {
        speaker: 'John Doe',
        start: 0.5,
        end: 2.1,
        text: 'Hello everyone, welcome to the meeting',
        words: [
          { start: 0.5, end: 0.8, text: 'Hello' },
          { start: 0.8, end: 1.2, text: 'everyone' },
        ],
      },
      {
        speaker: 'unknown',
        start: 2.5,
        end: 3.1,
        text: 'Thanks, John.',
        words: [
          { start: 2.5, end: 2.8, text: 'Thanks,' },
          { start: 2.8, end: 3.1, text: 'John.' },
        ],
      },
    ]);
  });

  test('a file without result.utterances does not parse', () => {
    expect(v2TranscriptionSchema.safeParse({ bot_id: BOT, transcriptions: [] }).success).toBe(false);
  });
});
