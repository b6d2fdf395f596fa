import type { ReceivedProviderEvent } from '../../domain/events';
import { botRequestAbout } from '../../domain/meetingbaas/bot-request-about';
import {
  isSignedUrl,
  redactMeetingUrl,
  redactPresignedUrl,
  redactUrl,
  redactUrlsInText,
  redactView,
  withoutSecrets,
} from '../../domain/redact';
import type { MeetingView } from '../../domain/view';

const PRESIGNED =
  'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIAEXAMPLE%2F20250115%2Feu-west-3%2Fs3%2Faws4_request&X-Amz-Date=20250115T110000Z' +
  '&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcd';

describe('redactMeetingUrl', () => {
  test.each([
    ['https://zoom.us/j/123456789?pwd=SeCrEt', 'https://zoom.us/j/123456789?pwd=***'],
    ['https://us02web.zoom.us/j/85?pwd=a.b&uname=Ann', 'https://us02web.zoom.us/j/85?pwd=***&uname=***'],
    ['https://meet.google.com/abc-defg-hij', 'https://meet.google.com/abc-defg-hij'],
    ['https://user:pass@meet.example.com/room', 'https://***@meet.example.com/room'],
    ['https://meet.example.com/room#token=abc', 'https://meet.example.com/room#***'],
    // A bare parameter may itself be the secret.
    ['https://meet.example.com/room?TOKENVALUE', 'https://meet.example.com/room?***'],
    [
      'https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%22Tid%22%7d',
      'https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=***',
    ],
  ])('%s -> %s', (raw, shown) => {
    expect(redactMeetingUrl(raw)).toBe(shown);
  });

  test('scheme, host and path stay: which meeting it is remains readable', () => {
    const shown = redactMeetingUrl('http://example.com:8080/a/b?x=1');
    expect(shown).toBe('http://example.com:8080/a/b?x=***');
  });

  test('a string that is no URL loses everything from its query on, and its userinfo', () => {
    expect(redactMeetingUrl('https://user:pw@[bad/room?pwd=x')).toBe('https://***@[bad/room');
    expect(redactMeetingUrl('not a url?pwd=x')).toBe('not a url');
  });
});

describe('redactPresignedUrl', () => {
  test('loses its whole query: the signature and the credential', () => {
    expect(redactPresignedUrl(PRESIGNED)).toBe(
      'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4',
    );
  });

  test('userinfo and fragment go too; a file URI stays as it is', () => {
    expect(redactPresignedUrl('https://u:p@h.example/f.mp4?sig=1#x')).toBe('https://h.example/f.mp4');
    expect(redactPresignedUrl('file:///archive/a/b.json')).toBe('file:///archive/a/b.json');
  });
});

describe('redactUrl', () => {
  test.each([
    [PRESIGNED, true],
    ['https://storage.googleapis.com/b/o?X-Goog-Signature=ab&X-Goog-Date=1', true],
    ['https://acct.blob.core.windows.net/c/b.mp4?sv=2021&se=2025&sig=abc', true],
    ['https://d111.cloudfront.net/v.mp4?Expires=1&Signature=x&Key-Pair-Id=K', true],
    ['https://zoom.us/j/1?pwd=x', false],
    ['https://meet.google.com/abc-defg-hij', false],
  ])('%s is signed: %s', (raw, signed) => {
    expect(isSignedUrl(raw)).toBe(signed);
    expect(redactUrl(raw)).toBe(signed ? redactPresignedUrl(raw) : redactMeetingUrl(raw));
  });
});

describe('redactUrlsInText', () => {
  test('every URL in a sentence, its punctuation kept', () => {
    const text = `bot "Notetaker" sent to https://zoom.us/j/1?pwd=SECRET. Recording at (${PRESIGNED}), done`;
    const shown = redactUrlsInText(text);
    expect(shown).toBe(
      'bot "Notetaker" sent to https://zoom.us/j/1?pwd=***. Recording at ' +
        '(https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4), done',
    );
    expect(shown).not.toMatch(/SECRET|0123abcd|AKIAEXAMPLE/);
  });

  test('text without URLs is unchanged', () => {
    expect(redactUrlsInText('Http403: recording download: HTTP 403 Forbidden')).toBe(
      'Http403: recording download: HTTP 403 Forbidden',
    );
  });

  test('an error message embedding an unparseable URL still loses its query', () => {
    expect(redactUrlsInText('not a URL: https://[x/a?X-Amz-Signature=ff')).toBe('not a URL: https://[x/a');
  });
});

test('botRequestAbout: the bot name and the meeting URL without its password, never the speech_to_text key', () => {
  const about = botRequestAbout({
    meeting_url: 'https://zoom.us/j/987?pwd=ZOOMPWD',
    bot_name: 'Notetaker',
    speech_to_text: { provider: 'Gladia', api_key: 'STT-KEY' },
    automatic_leave: { waiting_room_timeout: 300 },
  });
  expect(about).toEqual({
    botName: 'Notetaker',
    meetingUrl: 'https://zoom.us/j/987?pwd=***',
    waitingRoomTimeoutSeconds: 300,
  });
});

test('withoutSecrets: a legacy event loses its raw payload, its texts their URL secrets, keeps the rest', () => {
  const legacy: ReceivedProviderEvent = {
    provider: 'meetingbaas',
    externalId: 'b-1',
    kind: 'final_failure',
    code: 'failed',
    receivedAt: '2025-01-15T11:00:00.000Z',
    source: 'webhook',
    dedupeKey: 'failed:X',
    note: 'bot "N" sent to https://zoom.us/j/1?pwd=PWD',
    error: { code: 'X', message: `see ${PRESIGNED}` },
    recording: { url: PRESIGNED, urlExpiresAt: '2025-01-15T13:00:00.000Z' },
    payload: { event: 'failed', data: { meeting_url: 'https://zoom.us/j/1?pwd=PWD' } },
  };
  const kept = withoutSecrets(legacy);
  expect(kept).not.toHaveProperty('payload');
  expect(kept.note).toBe('bot "N" sent to https://zoom.us/j/1?pwd=***');
  expect(kept.error?.message).not.toContain('0123abcd');
  // A legacy meeting downloads its recording with the signed URL it was given.
  expect(kept.recording?.url).toBe(PRESIGNED);
  expect(kept.dedupeKey).toBe('failed:X');
});

test('redactView: notes, the error, the title and every reason', () => {
  const view: MeetingView = {
    workflowId: 'meetingbaas:b-1',
    provider: 'meetingbaas',
    externalId: 'b-1',
    status: 'failed',
    title: 'Standup https://zoom.us/j/1?pwd=T',
    error: { code: 'x', message: 'at https://zoom.us/j/1?pwd=E' },
    history: [
      {
        at: 'a',
        code: 'bot_requested',
        status: 'scheduled',
        source: 'api',
        applied: true,
        note: 'to https://zoom.us/j/1?pwd=N',
      },
      { at: 'b', code: 'joining_call', status: 'joining', source: 'webhook', applied: true },
    ],
    recording: {
      status: 'unavailable',
      reason: `download failed: ${PRESIGNED}`,
      parts: [{ id: 'p', status: 'unavailable', reason: 'https://h.example/f?sig=P' }],
    },
    transcript: { status: 'unavailable', reason: 'https://zoom.us/j/1?pwd=R' },
    participants: { status: 'pending' },
  };
  const shown = redactView(view);
  expect(JSON.stringify(shown)).not.toMatch(/pwd=[TENR]\b|0123abcd|sig=P/);
  expect(shown.history[1]).toEqual(view.history[1]);
  expect(shown.participants).toEqual({ status: 'pending' });
  expect(shown.status).toBe('failed');
});
