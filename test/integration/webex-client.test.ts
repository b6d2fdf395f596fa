// The Webex client and activities against the simulator's Webex over real HTTP (no workflow): listings,
// archived recordings, transcripts and participants, expiring links, rate limits, tokens and OAuth. The
// activities run in the SDK's activity context harness (heartbeats need one).
import { type ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webexActivities } from '../../activities/webex/activities';
import { WebexClient, type WebexClientOptions } from '../../activities/webex/client';
import { FileArchive } from '../../platform/archive';
import { Simulator } from '../../simulator/server';
import { SIM_WEBEX_ACCESS_TOKEN, SIM_WEBEX_OAUTH } from '../../simulator/webex/auth';
import { failure } from '../helpers/failure';

let sim: Simulator;
let archiveDir: string;
let archive: FileArchive;

beforeAll(async () => {
  sim = await new Simulator().start();
  archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webex-client-'));
  archive = new FileArchive(archiveDir);
});
afterAll(async () => {
  await sim?.stop();
  fs.rmSync(archiveDir, { recursive: true, force: true });
});
afterEach(() => {
  sim.faults.clear();
  sim.webex.tokenLifetimeSeconds = 1_209_600;
});

const apiUrl = () => `${sim.url}/webex/v1`;
const client = (options: Partial<WebexClientOptions> = {}) =>
  new WebexClient({ baseUrl: apiUrl(), accessToken: SIM_WEBEX_ACCESS_TOKEN, ...options });
const oauthClient = () => client({ accessToken: undefined, oauth: { ...SIM_WEBEX_OAUTH } });
const activities = (webex: WebexClient) =>
  webexActivities({ archive, allowedHosts: [`http://${new URL(sim.url).host}`], webex });

const noop = () => {};
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

type Activities = ReturnType<typeof webexActivities>;

/** Runs a Webex activity in Temporal's activity context harness. */
function run<K extends keyof Activities>(
  name: K,
  input: Parameters<Activities[K]>[0],
  { webex = client(), env = new MockActivityEnvironment(undefined, { logger: quiet }) } = {},
): ReturnType<Activities[K]> {
  const acts = activities(webex);
  return env.run(() => acts[name](input as never)) as ReturnType<Activities[K]>;
}

const requests = (prefix: string) => sim.faults.requestsTo(prefix);
const fileOf = (uri: string) => fileURLToPath(uri);

describe('recordings', () => {
  test('listed in recording order once published, each with duration and size; max=100', async () => {
    const m = sim.webex.addMeeting({
      recordings: [
        { bytes: 1000, durationSeconds: 30 },
        { bytes: 2000, durationSeconds: 40 },
        { bytes: 3000, durationSeconds: 50 },
      ],
      recordingsAfterListings: 1,
    });
    expect(await run('listWebexRecordings', { meetingId: m.meetingId })).toEqual([]);
    const listed = await run('listWebexRecordings', { meetingId: m.meetingId });
    expect(listed.map((r) => [r.id, r.sizeBytes, r.durationSeconds])).toEqual([
      [m.recordings[0]!.id, 1000, 30],
      [m.recordings[1]!.id, 2000, 40],
      [m.recordings[2]!.id, 3000, 50],
    ]);
    expect(listed[0]).toMatchObject({ topic: expect.any(String), createTime: expect.any(String) });
    const query = new URLSearchParams(requests('/webex/v1/recordings').at(-1)!.query);
    expect(Object.fromEntries(query)).toEqual({ meetingId: m.meetingId, max: '100' });
  });

  test('archived through the direct link with the scenario sha256, duration and link expiry', async () => {
    const m = sim.webex.addMeeting({ recordings: [{ bytes: 300_000, durationSeconds: 75 }] });
    const rec = m.recordings[0]!;
    const ref = await run('archiveWebexRecording', {
      meetingId: m.meetingId,
      recordingId: rec.id,
    });
    expect(ref).toMatchObject({ bytes: 300_000, sha256: rec.sha256, durationSeconds: 75 });
    expect(ref.uri.endsWith(`/webex/${m.meetingId}/recording-${rec.id}.mp4`)).toBe(true);
    expect(fs.statSync(fileOf(ref.uri)).size).toBe(300_000);
    const left = Date.parse(ref.linkExpiresAt!) - Date.now();
    expect(left).toBeGreaterThan(2.9 * 3600_000);
    expect(left).toBeLessThanOrEqual(3 * 3600_000);
    expect(requests(`/webex/v1/recordings/${rec.id}`)).toHaveLength(1);
  });

  test('several recordings (a stopped and restarted recording) are archived as separate files', async () => {
    const m = sim.webex.addMeeting({ recordings: [{ bytes: 10_000 }, { bytes: 20_000 }] });
    const listed = await run('listWebexRecordings', { meetingId: m.meetingId });
    const refs = [];
    for (const r of listed) {
      refs.push(await run('archiveWebexRecording', { meetingId: m.meetingId, recordingId: r.id }));
    }
    expect(refs.map((r) => [r.bytes, r.sha256])).toEqual(m.recordings.map((r) => [r.bytes, r.sha256]));
    expect(new Set(refs.map((r) => r.uri)).size).toBe(2);
  });

  test('a link handed out already expired: the details are fetched again before downloading', async () => {
    const m = sim.webex.addMeeting({ recordings: [{ bytes: 50_000 }], expiredLinks: 1 });
    const rec = m.recordings[0]!;
    const ref = await run('archiveWebexRecording', {
      meetingId: m.meetingId,
      recordingId: rec.id,
    });
    expect(ref).toMatchObject({ bytes: 50_000, sha256: rec.sha256 });
    expect(Date.parse(ref.linkExpiresAt!)).toBeGreaterThan(Date.now());
    expect(requests(`/webex/v1/recordings/${rec.id}`)).toHaveLength(2);
    // Only the fresh link was used: no 403 from the storage.
    expect(requests(`/webex-files/recordings/${rec.id}`)).toHaveLength(1);
  });

  test('a link the storage refuses (403): new details once, then the download completes', async () => {
    const m = sim.webex.addMeeting({ recordings: [{ bytes: 40_000 }] });
    const rec = m.recordings[0]!;
    sim.faults.add({ pathPrefix: `/webex-files/recordings/${rec.id}`, status: 403, count: 1 });
    const ref = await run('archiveWebexRecording', {
      meetingId: m.meetingId,
      recordingId: rec.id,
    });
    expect(ref.sha256).toBe(rec.sha256);
    expect(requests(`/webex/v1/recordings/${rec.id}`)).toHaveLength(2);
    expect(requests(`/webex-files/recordings/${rec.id}`).map((r) => r.faultStatus)).toEqual([403, undefined]);
  });

  test('refreshWebexRecordingUrl: a link that downloads, valid about 3 hours', async () => {
    const m = sim.webex.addMeeting({ recordings: [{ bytes: 5000 }] });
    const fresh = await run('refreshWebexRecordingUrl', { recordingId: m.recordings[0]!.id });
    expect(Date.parse(fresh.expiresAt) - Date.now()).toBeGreaterThan(2.9 * 3600_000);
    const file = await fetch(fresh.url);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(5000);
  });

  test('an unknown recording: non-retryable 404', async () => {
    const err = await failure(run('archiveWebexRecording', { meetingId: 'x_I_1', recordingId: 'feedbeef' }));
    expect(err).toMatchObject({ type: 'Http404', nonRetryable: true });
    expect(err.message).toContain('GET /recordings/feedbeef');
  });
});

describe('HTTP failures', () => {
  const delayOf = (f: ApplicationFailure) => f.nextRetryDelay as unknown;

  test('429 with Retry-After: retryable RateLimited, next retry after Retry-After', async () => {
    const m = sim.webex.addMeeting();
    sim.faults.add({ pathPrefix: '/webex/v1/recordings', status: 429, retryAfterSeconds: 7 });
    const err = await failure(run('listWebexRecordings', { meetingId: m.meetingId }));
    expect(err).toMatchObject({ type: 'RateLimited', nonRetryable: false });
    expect(delayOf(err)).toBe(7000);
    expect(err.message).toContain('GET /recordings');
  });

  test('423 (not ready) with Retry-After: retryable Locked, next retry after Retry-After', async () => {
    const m = sim.webex.addMeeting();
    sim.faults.add({ pathPrefix: '/webex/v1/meetingTranscripts', status: 423, retryAfterSeconds: 30 });
    const err = await failure(run('listWebexTranscripts', { meetingId: m.meetingId }));
    expect(err).toMatchObject({ type: 'Locked', nonRetryable: false });
    expect(delayOf(err)).toBe(30_000);
  });

  test('503: retryable', async () => {
    const m = sim.webex.addMeeting();
    sim.faults.add({ pathPrefix: '/webex/v1/meetingParticipants', status: 503 });
    const err = await failure(run('archiveWebexParticipants', { meetingId: m.meetingId }));
    expect(err.nonRetryable).toBe(false);
  });

  test('403 from the API: non-retryable, the message names the likely missing scope', async () => {
    const m = sim.webex.addMeeting();
    sim.faults.add({ pathPrefix: '/webex/v1/meetingParticipants', status: 403 });
    const err = await failure(run('archiveWebexParticipants', { meetingId: m.meetingId }));
    expect(err).toMatchObject({ type: 'WebexForbidden', nonRetryable: true });
    expect(err.message).toMatch(/HTTP 403.*meeting:participants_read/);
  });
});

describe('static token', () => {
  test('a wrong token: non-retryable WebexUnauthorized, a clear message without the token, one request', async () => {
    const token = 'wrong-token-0123456789abcdef';
    const m = sim.webex.addMeeting();
    const before = requests('/webex/v1/recordings').length;
    const err = await failure(run('listWebexRecordings', m, { webex: client({ accessToken: token }) }));
    expect(err).toMatchObject({ type: 'WebexUnauthorized', nonRetryable: true });
    expect(err.message).toBe(
      'Webex rejected the access token (HTTP 401) on GET /recordings: check WEBEX_ACCESS_TOKEN or the refresh-token settings',
    );
    expect(JSON.stringify(err)).not.toContain(token);
    expect(requests('/webex/v1/recordings').length).toBe(before + 1);
  });

  test('neither token nor OAuth: ProviderNotConfigured, nothing sent', async () => {
    const before = sim.faults.requests.length;
    const err = await failure(client({ accessToken: undefined }).listRecordings('x_I_1'));
    expect(err).toMatchObject({ type: 'ProviderNotConfigured', nonRetryable: true });
    expect(sim.faults.requests.length).toBe(before);
  });

  test('the token is sent only to the API origin: a link elsewhere is replaced by the documented endpoint', async () => {
    const m = sim.webex.addMeeting();
    sim.webex.publish(m.meetingId, 'transcript');
    const elsewhere = `http://localhost:${new URL(sim.url).port}/elsewhere/collector?format=vtt`;
    const vtt = await client().downloadTranscript(m.transcriptId, elsewhere, 'vtt');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(requests('/elsewhere')).toEqual([]);
    expect(requests(`/webex/v1/meetingTranscripts/${m.transcriptId}/download`)).toHaveLength(1);
  });
});

describe('OAuth refresh token', () => {
  test('a token obtained by refresh works and is reused while valid', async () => {
    const m = sim.webex.addMeeting();
    const webex = oauthClient();
    const before = sim.webex.tokenRequests;
    expect(await webex.listRecordings(m.meetingId)).toHaveLength(1);
    expect(await webex.listTranscripts(m.meetingId)).toHaveLength(1);
    expect(sim.webex.tokenRequests).toBe(before + 1);
  });

  test('OAuth wins over a (wrong) static token', async () => {
    const m = sim.webex.addMeeting();
    const webex = client({ accessToken: 'stale', oauth: { ...SIM_WEBEX_OAUTH } });
    expect(await webex.listRecordings(m.meetingId)).toHaveLength(1);
  });

  test('concurrent callers share one refresh', async () => {
    const m = sim.webex.addMeeting();
    const webex = oauthClient();
    const before = sim.webex.tokenRequests;
    await Promise.all([1, 2, 3, 4].map(() => webex.listRecordings(m.meetingId)));
    expect(sim.webex.tokenRequests).toBe(before + 1);
  });

  test('an expired token is refreshed before the call (no 401 round trip)', async () => {
    sim.webex.tokenLifetimeSeconds = 2;
    const m = sim.webex.addMeeting();
    const webex = oauthClient();
    const before = sim.webex.tokenRequests;
    await webex.listRecordings(m.meetingId);
    await webex.listRecordings(m.meetingId);
    expect(sim.webex.tokenRequests).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 2200)); // the simulator now refuses the first token
    const calls = requests('/webex/v1/recordings').length;
    expect(await webex.listRecordings(m.meetingId)).toHaveLength(1);
    expect(sim.webex.tokenRequests).toBe(before + 2);
    expect(requests('/webex/v1/recordings').length).toBe(calls + 1);
  });

  test('a 401 gets a new token and one more try', async () => {
    const m = sim.webex.addMeeting();
    const webex = oauthClient();
    await webex.listRecordings(m.meetingId);
    const before = sim.webex.tokenRequests;
    sim.faults.add({ pathPrefix: '/webex/v1/recordings', status: 401 });
    expect(await webex.listRecordings(m.meetingId)).toHaveLength(1);
    expect(sim.webex.tokenRequests).toBe(before + 1);
    expect(
      requests('/webex/v1/recordings')
        .slice(-2)
        .map((r) => r.faultStatus),
    ).toEqual([401, undefined]);
  });

  test('a 401 that persists after the refresh: non-retryable WebexUnauthorized', async () => {
    const m = sim.webex.addMeeting();
    sim.faults.add({ pathPrefix: '/webex/v1/recordings', status: 401, count: 2 });
    const err = await failure(oauthClient().listRecordings(m.meetingId));
    expect(err).toMatchObject({ type: 'WebexUnauthorized', nonRetryable: true });
  });

  test('a refresh token Webex refuses: non-retryable, the secrets not in the message', async () => {
    const oauth = { ...SIM_WEBEX_OAUTH, refreshToken: 'revoked-refresh-token-42' };
    const err = await failure(client({ accessToken: undefined, oauth }).listRecordings('x_I_1'));
    expect(err).toMatchObject({ type: 'WebexUnauthorized', nonRetryable: true });
    expect(err.message).toMatch(/refresh token.*HTTP 400/);
    expect(JSON.stringify(err)).not.toContain(oauth.refreshToken);
    expect(JSON.stringify(err)).not.toContain(oauth.clientSecret);
  });
});

describe('participants', () => {
  test('250 participants: 3 pages, next links that dropped meetingId repaired, archived as received', async () => {
    const m = sim.webex.addMeeting({ participants: 250, dropQueryInLinks: true });
    const env = new MockActivityEnvironment(undefined, { logger: quiet });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result = await run('archiveWebexParticipants', { meetingId: m.meetingId }, { env });
    expect(result.count).toBe(250);
    expect(beats).toEqual([{ participants: 100 }, { participants: 200 }, { participants: 250 }]);
    const pages = requests('/webex/v1/meetingParticipants').filter((r) => r.query.includes(m.meetingId));
    expect(pages.map((r) => new URLSearchParams(r.query).get('offset'))).toEqual([null, '100', '200']);
    const json = JSON.parse(fs.readFileSync(fileOf(result.archive.uri), 'utf8'));
    expect(json).toMatchObject({ meetingId: m.meetingId, count: 250 });
    expect(json.participants).toHaveLength(250);
    expect(new Set(json.participants.map((p: { id: string }) => p.id)).size).toBe(250);
    expect(json.participants[3]).toMatchObject({
      joinedTime: expect.any(String),
      leftTime: expect.any(String),
      state: 'end',
      devices: [expect.objectContaining({ correlationId: expect.any(String) }), expect.anything()],
    });
    expect(result.archive.uri.endsWith(`/webex/${m.meetingId}/participants.json`)).toBe(true);
  });
});

describe('transcripts', () => {
  test('listed once published; VTT, TXT and the normalized JSON archived with utterances and speakers', async () => {
    const m = sim.webex.addMeeting({ snippets: 150, participants: 4, transcriptAfterListings: 1 });
    expect(await run('listWebexTranscripts', { meetingId: m.meetingId })).toEqual([]);
    const [t, ...rest] = await run('listWebexTranscripts', { meetingId: m.meetingId });
    expect(rest).toEqual([]);
    expect(t).toMatchObject({ id: m.transcriptId, startTime: expect.any(String) });

    const result = await run('archiveWebexTranscript', {
      meetingId: m.meetingId,
      transcriptId: t!.id,
      vttDownloadLink: t!.vttDownloadLink,
      txtDownloadLink: t!.txtDownloadLink,
    });
    const vtt = fs.readFileSync(fileOf(result.files.vtt.uri), 'utf8');
    const txt = fs.readFileSync(fileOf(result.files.txt.uri), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(txt.length).toBeGreaterThan(0);
    expect(result.files.vtt.uri.endsWith(`/webex/${m.meetingId}/transcript.vtt`)).toBe(true);
    expect(result.files.txt.uri.endsWith(`/webex/${m.meetingId}/transcript.txt`)).toBe(true);

    const json = JSON.parse(fs.readFileSync(fileOf(result.archive.uri), 'utf8'));
    expect(result.archive.uri.endsWith(`/webex/${m.meetingId}/transcript.json`)).toBe(true);
    expect(json).toMatchObject({ provider: 'webex', externalId: m.meetingId, transcriptId: m.transcriptId });
    expect(json.utterances).toHaveLength(result.utterances);
    // Every snippet is in one utterance (all 150, over two pages).
    expect(json.utterances.flatMap((u: { words: unknown[] }) => u.words)).toHaveLength(150);
    expect(result.utterances).toBeLessThan(150);
    expect(result.speakers.length).toBeGreaterThan(1);
    expect(json.speakers).toEqual(result.speakers);
    for (const speaker of result.speakers) {
      expect(vtt).toContain(speaker);
      expect(txt).toContain(speaker);
    }
    expect(requests(`/webex/v1/meetingTranscripts/${m.transcriptId}/snippets`)).toHaveLength(2);
  });

  test('a transcript that is never published is never listed', async () => {
    const m = sim.webex.addMeeting({ transcript: false });
    for (let i = 0; i < 3; i++)
      expect(await run('listWebexTranscripts', { meetingId: m.meetingId })).toEqual([]);
  });
});

describe('auto-record', () => {
  test('a scheduled meeting: PATCH sent once; asked again, nothing sent (changed: false)', async () => {
    const m = sim.webex.addMeeting();
    const patches = () => sim.webex.patches.filter((p) => p.meetingId === m.scheduledMeetingId);
    expect(await run('enableWebexAutoRecord', { meetingId: m.scheduledMeetingId })).toEqual({
      changed: true,
    });
    expect(patches()).toEqual([
      { meetingId: m.scheduledMeetingId, body: { enabledAutoRecordMeeting: true } },
    ]);
    expect(await run('enableWebexAutoRecord', { meetingId: m.scheduledMeetingId })).toEqual({
      changed: false,
    });
    expect(patches()).toHaveLength(1);
  });

  test('an instance id is refused before any call', async () => {
    const m = sim.webex.addMeeting();
    const before = sim.faults.requests.length;
    const err = await failure(run('enableWebexAutoRecord', { meetingId: m.meetingId }));
    expect(err).toMatchObject({ type: 'InstanceMeetingId', nonRetryable: true });
    expect(sim.faults.requests.length).toBe(before);
    expect(sim.webex.patches.filter((p) => p.meetingId === m.meetingId)).toEqual([]);
  });
});
