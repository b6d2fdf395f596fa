// The pure Meeting fed Webex events: no final webhook, the service starts collecting on its own once the
// meeting ended, and records whatever Webex publishes.
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { LifecycleEvent } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { meetingViewSchema } from '../../domain/view';
import {
  DEFAULT_WEBEX_COLLECTION,
  nextLookDelaySeconds,
  notPublishedReason,
} from '../../domain/webex/collection';

const ID = '501e995485e2460bb129410116757b13_I_194316955237236650';
const t = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute)).toISOString();
const ref = (name: string) => ({ uri: `file:///a/webex/${ID}/${name}`, bytes: 10, sha256: 'a'.repeat(64) });

function webex(kind: LifecycleEvent, code: string, extra: Partial<ProviderEvent> = {}): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'webex',
    externalId: ID,
    kind,
    code,
    receivedAt: t(59),
    source: 'webhook',
    dedupeKey: `${code}:${extra.occurredAt ?? ''}`,
    ...extra,
  });
}
const started = (at = t(0)) => webex('in_call', 'meetings.started', { occurredAt: at });
const ended = (at = t(30)) => webex('ended', 'meetings.ended', { occurredAt: at, title: 'Weekly sync' });
const recordingCreated = (at = t(35)) =>
  webex('asset_published', 'recordings.created', { occurredAt: at, dedupeKey: 'recordings:created:r1' });
const collect = () =>
  webex('collect', 'collect_assets', { source: 'timer', dedupeKey: 'collect_assets', receivedAt: t(31) });

test('started, ended, collect: in_call -> ended -> collecting with all three assets pending; title kept', () => {
  const m = new Meeting('webex', ID);
  expect(m.apply(started())).toBe('applied');
  expect(m.apply(ended())).toBe('applied');
  expect(m.status).toBe('ended');
  expect(m.apply(collect())).toBe('applied');
  expect(m.view).toMatchObject({
    status: 'collecting',
    title: 'Weekly sync',
    startedAt: t(0),
    endedAt: t(30),
    recording: { status: 'pending' },
    transcript: { status: 'pending' },
    participants: { status: 'pending' },
  });
  expect(meetingViewSchema.parse(m.view)).toEqual(m.view);
});

test('everything archived or unavailable -> completed; participants and parts are in the view', () => {
  const m = new Meeting('webex', ID);
  m.apply(ended());
  m.apply(collect());
  m.collected({
    recording: {
      status: 'archived',
      archive: ref('recording-r1.mp4'),
      parts: [{ id: 'r1', status: 'archived', archive: ref('recording-r1.mp4') }],
    },
    transcript: { status: 'unavailable', reason: notPublishedReason('transcript', 86400) },
    participants: { status: 'archived', count: 250, archive: ref('participants.json') },
  });
  expect(m.status).toBe('completed');
  expect(m.view.participants?.count).toBe(250);
  expect(m.view.error).toBeUndefined();
  expect(meetingViewSchema.parse(m.view)).toEqual(m.view);
});

test('a collection failure (nothing could be collected) -> failed with the error', () => {
  const m = new Meeting('webex', ID);
  m.apply(ended());
  m.apply(collect());
  const failure = { code: 'provider_unauthorized', message: 'Webex rejected the access token (HTTP 401)' };
  m.collected({
    recording: { status: 'unavailable', reason: 'x' },
    transcript: { status: 'unavailable', reason: 'y' },
    participants: { status: 'unavailable', reason: 'z' },
    failure,
  });
  expect(m.status).toBe('failed');
  expect(m.view.error).toEqual(failure);
});

test('a recording published before any meeting webhook: the meeting is over (ended)', () => {
  const m = new Meeting('webex', ID);
  expect(m.apply(recordingCreated())).toBe('applied');
  expect(m.status).toBe('ended');
});

test('ended delivered after recordings.created: recorded as older, endedAt still taken from it', () => {
  const m = new Meeting('webex', ID);
  m.apply(recordingCreated(t(35)));
  expect(m.apply(ended(t(30)))).toBe('recorded');
  expect(m.status).toBe('ended');
  expect(m.view.endedAt).toBe(t(30));
});

test('recordings.created while collecting is applied and keeps the meeting collecting', () => {
  const m = new Meeting('webex', ID);
  m.apply(ended());
  m.apply(collect());
  expect(m.apply(recordingCreated())).toBe('applied');
  expect(m.status).toBe('collecting');
});

test('collect is not applied before the meeting ended', () => {
  const m = new Meeting('webex', ID);
  m.apply(started());
  expect(m.apply(collect())).toBe('recorded');
  expect(m.status).toBe('in_call');
});

describe('looking for assets', () => {
  const s = { assetDeadlineSeconds: 3600, pollIntervalSeconds: 10, maxPollIntervalSeconds: 60 };
  test.each([
    [1, 3600, 10],
    [2, 3600, 20],
    [3, 3600, 40],
    [4, 3600, 60],
    [10, 3600, 60],
    [3, 15, 15],
    [1, 0, 0],
  ])('after %i empty looks with %i s left: pause %i s', (looks, left, pause) => {
    expect(nextLookDelaySeconds(s, looks, left)).toBe(pause);
  });

  test('the defaults: a day, starting at a minute, at most half an hour', () => {
    expect(DEFAULT_WEBEX_COLLECTION).toEqual({
      assetDeadlineSeconds: 86400,
      pollIntervalSeconds: 60,
      maxPollIntervalSeconds: 1800,
    });
  });

  test('the reasons name the likely cause', () => {
    expect(notPublishedReason('recording', 86400)).toMatch(/24 h.*not recorded/);
    expect(notPublishedReason('transcript', 600)).toMatch(/10 min.*Webex Assistant or closed captions/);
  });
});
