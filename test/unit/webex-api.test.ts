// The Webex answer schemas against the examples of the seed document (004) and the Webex OpenAPI reference.
import {
  webexAccessTokenSchema,
  webexListSchema,
  webexMeetingSchema,
  webexParticipantSchema,
  webexRecordingDetailsSchema,
  webexRecordingSchema,
  webexSnippetSchema,
  webexTranscriptSchema,
} from '../../domain/webex/api';

const MEETING = '501e995485e2460bb129410116757b13_I_194316955237236650';
const recording = {
  id: '724a81a697201039a976005056819cde',
  meetingId: MEETING,
  scheduledMeetingId: '501e995485e2460bb129410116757b13_20210514T203000Z',
  meetingSeriesId: '501e995485e2460bb129410116757b13',
  topic: 'Test meeting-20210514 2025-1',
  createTime: '2021-05-14T20:28:53Z',
  siteUrl: 'spouliottes-test.webex.com',
  downloadUrl:
    'https://spouliottes-test.webex.com/spouliottes-test/lsr.php?RCID=77ab059a6b6512550d6a3ddafeea57aa',
  password: 'tA3hwXUm',
  format: 'MP4',
  durationSeconds: 85,
  sizeBytes: 4982263,
  shareToMe: false,
};

test('the seed recording list parses, unknown fields kept', () => {
  const parsed = webexListSchema(webexRecordingSchema).parse({ items: [recording] });
  expect(parsed.items[0]).toMatchObject({ id: recording.id, durationSeconds: 85, shareToMe: false });
});

test('recording details with temporaryDirectDownloadLinks', () => {
  const parsed = webexRecordingDetailsSchema.parse({
    ...recording,
    temporaryDirectDownloadLinks: {
      recordingDownloadLink:
        'https://nsj1wss.webex.com/nbr/MultiThreadDownloadServlet?siteid=13867087&recordid=220437037',
      audioDownloadLink: 'https://nsj1wss.webex.com/nbr/MultiThreadDownloadServlet/audio.mp3?siteid=13867087',
      expiration: '2021-05-17T23:29:31Z',
    },
  });
  expect(parsed.temporaryDirectDownloadLinks?.expiration).toBe('2021-05-17T23:29:31Z');
});

test('a recording download link that is not a URL is refused', () => {
  const result = webexRecordingDetailsSchema.safeParse({
    ...recording,
    temporaryDirectDownloadLinks: { recordingDownloadLink: 'not a url' },
  });
  expect(result.success).toBe(false);
});

test.each<[string, object]>([
  ['no id', { ...recording, id: undefined }],
  ['a size that is text', { ...recording, sizeBytes: '4982263' }],
])('a recording with %s is refused', (_name, value) => {
  expect(webexRecordingSchema.safeParse(value).success).toBe(false);
});

test('the seed transcript parses; its links are required', () => {
  const transcript = {
    id: 'a5038f0b-320a-456f-a51f-7541eeb0eae5_M_501e995485e2460bb129410116757b13',
    meetingId: MEETING,
    startTime: '2021-05-14T20:25:22Z',
    vttDownloadLink: `https://webexapis.com/v1/meetingTranscripts/a5038f0b/download?meetingId=${MEETING}&format=vtt`,
    txtDownloadLink: `https://webexapis.com/v1/meetingTranscripts/a5038f0b/download?meetingId=${MEETING}&format=txt`,
  };
  expect(webexTranscriptSchema.parse(transcript)).toEqual(transcript);
  expect(webexTranscriptSchema.safeParse({ ...transcript, vttDownloadLink: undefined }).success).toBe(false);
});

test('a snippet needs offsetMillisecond and durationMillisecond (the seed’s offset/duration are not enough)', () => {
  const snippet = {
    id: '195d64646ad14be2924ea50f541fd91d_00001',
    text: 'Hello everyone',
    personName: 'John Andersen',
    personEmail: 'john.andersen@example.com',
  };
  expect(webexSnippetSchema.safeParse({ ...snippet, offset: 1000, duration: 1500 }).success).toBe(false);
  expect(
    webexSnippetSchema.parse({ ...snippet, offsetMillisecond: 1000, durationMillisecond: 1500 }),
  ).toMatchObject({ offsetMillisecond: 1000 });
});

test('a participant of the reference keeps every field, devices included', () => {
  const participant = {
    id: '560d7b784f5143e3be2fc3064a5c4999_3c2e2338-e950-43bf-b588-573773ee43d1',
    host: true,
    coHost: false,
    email: 'joeDoe@cisco.com',
    displayName: 'Joe Doe',
    state: 'end',
    joinedTime: '2022-10-25T09:00:00Z',
    leftTime: '2022-10-25T09:30:00Z',
    breakoutSessionsAttended: [{ id: 'c84ba778', name: 'Breakout session 1' }],
    devices: [
      {
        correlationId: '8ccced6c-b812-4dff-a5dd-4c5c28f8d47d',
        deviceType: 'webex_meeting_center_mac',
        audioType: 'pstn',
        durationSecond: 60,
        callType: 'callIn',
      },
    ],
  };
  expect(webexParticipantSchema.parse(participant)).toEqual(participant);
});

test('a meeting: enabledAutoRecordMeeting must be a boolean when present', () => {
  const meeting = {
    id: '870f51ff287b41be84648412901e0402_20191101T120000Z',
    meetingType: 'scheduledMeeting',
  };
  expect(webexMeetingSchema.parse({ ...meeting, enabledAutoRecordMeeting: false })).toMatchObject(meeting);
  expect(webexMeetingSchema.safeParse({ ...meeting, enabledAutoRecordMeeting: 'no' }).success).toBe(false);
});

test('an access token answer', () => {
  const answer = {
    access_token: 'a',
    expires_in: 1209599,
    refresh_token: 'r',
    refresh_token_expires_in: 7775999,
    token_type: 'Bearer',
  };
  expect(webexAccessTokenSchema.parse(answer)).toEqual(answer);
  expect(webexAccessTokenSchema.safeParse({ token_type: 'Bearer', expires_in: 10 }).success).toBe(false);
});
