import fs from 'node:fs';
import path from 'node:path';
import { providerEventSchema } from '../../domain/events';
import {
  isKnownWebexEvent,
  webexAction,
  webexWebhookSchema,
  type WebexAction,
  type WebexWebhook,
} from '../../domain/webex/webhook';

const SEED = path.resolve(__dirname, '../fixtures/seeds/webex-access-meeting-resources.txt');
const ENDED = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/webex/meeting-ended.json'), 'utf8'),
) as Record<string, any>;
const RECEIVED = '2026-11-21T10:00:00.000Z';
const SERIES = '501e995485e2460bb129410116757b13';
const SCHEDULED = `${SERIES}_20210514T203000Z`;
const INSTANCE = `${SERIES}_I_194316955237236650`;

function parse(body: unknown): WebexWebhook {
  const result = webexWebhookSchema.safeParse(body);
  if (!result.success) throw new Error(`does not parse: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

const notification = (resource: string, event: string, data: Record<string, unknown>) => ({
  ...ENDED,
  resource,
  event,
  data,
});
const action = (body: unknown): WebexAction => webexAction(parse(body), RECEIVED);

test('the fixture is the seed document\'s "meeting ended" notification, unchanged', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const start = seed.indexOf('{', seed.indexOf('"meeting ended" event might look something like:'));
  const end = seed.indexOf('It is important to remember');
  expect(JSON.parse(seed.slice(start, end))).toEqual(ENDED);
});

test("the seed's ended notification signals the instance's workflow: ended at data.end", () => {
  const result = action(ENDED);
  expect(result.action).toBe('signal');
  if (result.action !== 'signal') return;
  expect(providerEventSchema.parse(result.event)).toEqual(result.event);
  expect(result.event).toMatchObject({
    provider: 'webex',
    externalId: INSTANCE,
    kind: 'ended',
    code: 'meetings.ended',
    occurredAt: '2021-05-14T20:26:54.000Z',
    receivedAt: RECEIVED,
    source: 'webhook',
    dedupeKey: `meetings:ended:${INSTANCE}`,
  });
  expect(result.event.deliveryId).toBeUndefined();
});

// Written from the design and the issue: meetings created/updated -> scheduled, started -> in_call,
// ended -> ended; series and scheduled ids are not meeting instances.
const CASES: Array<[string, string, string, Partial<{ kind: string; action: string; meetingId: string }>]> = [
  ['meetings', 'created', SERIES, { action: 'auto_record', meetingId: SERIES }],
  ['meetings', 'created', SCHEDULED, { action: 'auto_record', meetingId: SCHEDULED }],
  ['meetings', 'created', INSTANCE, { action: 'signal', kind: 'scheduled' }],
  ['meetings', 'updated', SERIES, { action: 'ignore' }],
  ['meetings', 'updated', SCHEDULED, { action: 'ignore' }],
  ['meetings', 'updated', INSTANCE, { action: 'signal', kind: 'scheduled' }],
  ['meetings', 'started', INSTANCE, { action: 'signal', kind: 'in_call' }],
  ['meetings', 'started', SCHEDULED, { action: 'ignore' }],
  ['meetings', 'ended', INSTANCE, { action: 'signal', kind: 'ended' }],
  ['meetings', 'ended', SERIES, { action: 'ignore' }],
  ['meetings', 'deleted', INSTANCE, { action: 'signal', kind: 'unknown' }],
  ['meetings', 'deleted', SERIES, { action: 'ignore' }],
  ['meetings', 'created', 'not a meeting id!', { action: 'ignore' }],
];

test.each(CASES)('%s.%s for %s', (resource, event, id, expected) => {
  const result = action(notification(resource, event, { ...ENDED.data, id }));
  expect(result.action).toBe(expected.action);
  if (result.action === 'signal') {
    expect(result.event.kind).toBe(expected.kind);
    expect(result.event.externalId).toBe(id);
    expect(result.event.dedupeKey).toBe(`${resource}:${event}:${id}`);
  }
  if (result.action === 'auto_record') expect(result.meetingId).toBe(expected.meetingId);
  if (result.action === 'ignore') expect(result.reason).toContain(id);
});

test('started carries data.start as its time; created and updated carry none (data.start is the plan)', () => {
  const started = action(notification('meetings', 'started', { ...ENDED.data }));
  const updated = action(notification('meetings', 'updated', { ...ENDED.data }));
  expect(started.action === 'signal' && started.event.occurredAt).toBe('2021-05-14T20:25:19.000Z');
  expect(updated.action === 'signal' && updated.event.occurredAt).toBeUndefined();
});

test("recordings.created signals the recording's meeting instance, keyed by the recording id", () => {
  const result = action(
    notification('recordings', 'created', {
      id: '724a81a697201039a976005056819cde',
      meetingId: INSTANCE,
      scheduledMeetingId: SCHEDULED,
      meetingSeriesId: SERIES,
      topic: 'Test meeting-20210514 2025-1',
      createTime: '2021-05-14T20:28:53Z',
    }),
  );
  expect(result).toMatchObject({
    action: 'signal',
    event: {
      externalId: INSTANCE,
      kind: 'asset_published',
      code: 'recordings.created',
      occurredAt: '2021-05-14T20:28:53.000Z',
      title: 'Test meeting-20210514 2025-1',
      dedupeKey: 'recordings:created:724a81a697201039a976005056819cde',
    },
  });
});

test("the notification's data never travels in the event: passwords and tokenised links stay out", () => {
  const secrets = { password: 'REC-PASSWORD', playbackUrl: 'https://site.webex.com/ldr.php?RCID=TOKEN123' };
  const recording = action(
    notification('recordings', 'created', { id: 'r1', meetingId: INSTANCE, topic: 'T', ...secrets }),
  );
  const meeting = action({ ...ENDED, data: { ...ENDED.data, password: 'MEETING-PASSWORD' } });
  for (const result of [recording, meeting]) {
    expect(result.action).toBe('signal');
    const json = JSON.stringify(result);
    for (const secret of ['REC-PASSWORD', 'TOKEN123', 'MEETING-PASSWORD']) expect(json).not.toContain(secret);
    expect(result).not.toHaveProperty('event.payload');
  }
});

test('meetingTranscripts.created signals the instance, with no event time (startTime is the meeting start)', () => {
  const result = action(
    notification('meetingTranscripts', 'created', {
      id: 'a5038f0b-320a-456f-a51f-7541eeb0eae5_M_501e995485e2460bb129410116757b13',
      meetingId: INSTANCE,
      startTime: '2021-05-14T20:25:22Z',
    }),
  );
  expect(result).toMatchObject({
    action: 'signal',
    event: { externalId: INSTANCE, kind: 'asset_published', code: 'meetingTranscripts.created' },
  });
  expect(result.action === 'signal' && result.event.occurredAt).toBeUndefined();
});

test('an asset of something other than a meeting instance is ignored with the reason', () => {
  const result = action(notification('recordings', 'created', { id: 'r1', meetingId: SCHEDULED }));
  expect(result).toEqual({ action: 'ignore', reason: expect.stringContaining(SCHEDULED) });
});

test('an unreadable provider timestamp is kept as it came (the meeting orders it by receipt), the event kept', () => {
  const result = action(notification('meetings', 'ended', { ...ENDED.data, end: 'yesterday' }));
  expect(result.action === 'signal' && result.event.occurredAt).toBe('yesterday');
  expect(result.action === 'signal' && result.event.kind).toBe('ended');
});

test('a provider timestamp that is not even a string or a number is dropped, the event kept', () => {
  const result = action(notification('meetings', 'ended', { ...ENDED.data, end: { when: 'later' } }));
  expect(result.action === 'signal' && result.event.occurredAt).toBeUndefined();
  expect(result.action === 'signal' && result.event.kind).toBe('ended');
});

test.each([
  ['no data', { ...ENDED, data: undefined }],
  ['no data.id', { ...ENDED, data: { ...ENDED.data, id: undefined } }],
  ['a recording without meetingId', notification('recordings', 'created', { id: 'r1' })],
  [
    'a meeting id unsafe as a workflow id',
    notification('recordings', 'created', { id: 'r', meetingId: '../x' }),
  ],
])('invalid: %s', (_name, body) => {
  expect(webexWebhookSchema.safeParse(body).success).toBe(false);
});

test.each([
  ['meetings', 'ended', true],
  ['meetings', 'created', true],
  ['recordings', 'created', true],
  ['meetingTranscripts', 'created', true],
  ['recordings', 'deleted', false],
  ['messages', 'created', false],
  ['meetings', 'joined', false],
])('known event %s.%s: %s', (resource, event, known) => {
  expect(isKnownWebexEvent(resource, event)).toBe(known);
});
