// The simulator's Webex part, over HTTP as the worker's client meets it: bearer and OAuth auth, assets
// published late, direct links that expire, pagination (and its dropped-query bug), meeting settings,
// signed webhooks and faults.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import LinkHeader from 'http-link-header';
import { Simulator } from '../../simulator/server';
import {
  SIM_WEBEX_ACCESS_TOKEN,
  SIM_WEBEX_OAUTH,
  SIM_WEBEX_WEBHOOK_SECRET,
} from '../../simulator/webex/routes';

let sim: Simulator;
let api: string;
beforeAll(async () => {
  sim = await new Simulator().start();
  api = `${sim.url}/webex/v1`;
});
afterAll(async () => {
  await sim?.stop();
});

const bearer = (token = SIM_WEBEX_ACCESS_TOKEN) => ({ authorization: `Bearer ${token}` });
const get = (url: string, token?: string) =>
  fetch(url.startsWith('http') ? url : `${api}${url}`, { headers: bearer(token) });
/** Response bodies are read untyped: the assertions check their shape. */
const json = (res: Response): Promise<any> => res.json();
const getJson = async (url: string): Promise<{ items: any[]; [field: string]: any }> => {
  const res = await get(url);
  expect(res.status).toBe(200);
  return json(res);
};
const nextLink = (res: Response): string | undefined => {
  const header = res.headers.get('link');
  return header ? LinkHeader.parse(header).rel('next')[0]?.uri : undefined;
};
const sha256 = (buf: ArrayBuffer) => createHash('sha256').update(Buffer.from(buf)).digest('hex');

/** Follows rel="next" from `first`, returning every page's items. */
async function allPages(first: string): Promise<{ pages: number; items: any[] }> {
  const items: any[] = [];
  let pages = 0;
  for (let url: string | undefined = first; url;) {
    const res = await get(url);
    expect(res.status).toBe(200);
    items.push(...((await json(res)) as { items: any[] }).items);
    pages++;
    url = nextLink(res);
  }
  return { pages, items };
}

describe('auth', () => {
  test('401 in Webex error shape without a token or with a wrong one; the static token works', async () => {
    const m = sim.webex.addMeeting();
    const none = await fetch(`${api}/recordings?meetingId=${m.meetingId}`);
    expect(none.status).toBe(401);
    const body = await json(none);
    expect(body).toEqual({
      message: expect.any(String),
      errors: [{ description: expect.any(String) }],
      trackingId: expect.any(String),
    });
    expect((await get(`/recordings?meetingId=${m.meetingId}`, 'wrong-token')).status).toBe(401);
    expect((await get(`/meetings/${m.meetingSeriesId}`, 'wrong-token')).status).toBe(401);
    expect((await get(`/recordings?meetingId=${m.meetingId}`)).status).toBe(200);
  });

  test('the refresh-token grant issues a working token; an expired one is refused', async () => {
    const before = sim.webex.tokenRequests;
    const form = (fields: Record<string, string>) =>
      fetch(`${api}/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const grant = {
      grant_type: 'refresh_token',
      client_id: SIM_WEBEX_OAUTH.clientId,
      client_secret: SIM_WEBEX_OAUTH.clientSecret,
      refresh_token: SIM_WEBEX_OAUTH.refreshToken,
    };
    expect((await form({ ...grant, refresh_token: 'stale' })).status).toBe(400);
    const wrongClient = await form({ ...grant, client_secret: 'nope' });
    expect(wrongClient.status).toBe(401);
    expect((await json(wrongClient)).errors[0].description).toMatch(/invalid_client/);

    const ok = await form(grant);
    expect(ok.status).toBe(200);
    const token = await json(ok);
    expect(token).toEqual({
      access_token: expect.any(String),
      expires_in: 1209600,
      refresh_token: SIM_WEBEX_OAUTH.refreshToken,
      refresh_token_expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    expect((await get('/recordings', token.access_token)).status).toBe(200);

    // JSON bodies and client credentials in HTTP Basic auth are accepted too.
    sim.webex.tokenLifetimeSeconds = 1;
    try {
      const basic = Buffer.from(`${SIM_WEBEX_OAUTH.clientId}:${SIM_WEBEX_OAUTH.clientSecret}`).toString(
        'base64',
      );
      const short = await fetch(`${api}/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
        body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: SIM_WEBEX_OAUTH.refreshToken }),
      });
      expect(short.status).toBe(200);
      const shortToken = await json(short);
      expect(shortToken.expires_in).toBe(1);
      expect((await get('/recordings', shortToken.access_token)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await get('/recordings', shortToken.access_token)).status).toBe(401);
      // The long-lived token is still good.
      expect((await get('/recordings', token.access_token)).status).toBe(200);
    } finally {
      sim.webex.tokenLifetimeSeconds = 1209600;
    }
    expect(sim.webex.tokenRequests - before).toBe(4);
  });
});

describe('recordings', () => {
  test('empty for recordingsAfterListings listings, then published; the direct link serves the bytes', async () => {
    const m = sim.webex.addMeeting({ recordingsAfterListings: 2, recordings: [{ bytes: 100_000 }] });
    expect((await getJson(`/recordings?meetingId=${m.meetingId}`)).items).toEqual([]);
    // Not published yet: unknown by id too, and absent from the unfiltered listing.
    expect((await get(`/recordings/${m.recordings[0]!.id}`)).status).toBe(404);
    expect((await getJson('/recordings')).items.map((r) => r.id)).not.toContain(m.recordings[0]!.id);
    expect((await getJson(`/recordings?meetingId=${m.meetingId}`)).items).toEqual([]);
    const { items } = await getJson(`/recordings?meetingId=${m.meetingId}&max=100`);
    expect(items).toEqual([
      expect.objectContaining({
        id: m.recordings[0]!.id,
        meetingId: m.meetingId,
        scheduledMeetingId: m.scheduledMeetingId,
        meetingSeriesId: m.meetingSeriesId,
        sizeBytes: 100_000,
        durationSeconds: 60,
        format: 'MP4',
        status: 'available',
      }),
    ]);
    expect(m.scheduledMeetingId).toMatch(new RegExp(`^${m.meetingSeriesId}_\\d{8}T\\d{6}Z$`));
    expect(m.meetingId).toMatch(/^[0-9a-f]{32}_I_\d{18}$/);

    const detailsRes = await get(`/recordings/${m.recordings[0]!.id}`);
    expect(detailsRes.status).toBe(200);
    const details = await json(detailsRes);
    const links = details.temporaryDirectDownloadLinks;
    const expiresIn = Date.parse(links.expiration) - Date.now();
    expect(expiresIn).toBeGreaterThan(3 * 3600_000 - 5000);
    expect(expiresIn).toBeLessThanOrEqual(3 * 3600_000);
    expect(new URL(links.recordingDownloadLink).pathname).toBe(
      `/webex-files/recordings/${m.recordings[0]!.id}.mp4`,
    );
    const file = await fetch(links.recordingDownloadLink);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-length')).toBe('100000');
    expect(sha256(await file.arrayBuffer())).toBe(m.recordings[0]!.sha256);
    expect((await fetch(links.audioDownloadLink)).status).toBe(200);

    expect((await get('/recordings/00000000000000000000000000000000')).status).toBe(404);
  });

  test('expiredLinks: the first details give an expired link (403), the next a fresh one', async () => {
    const m = sim.webex.addMeeting({ expiredLinks: 1, recordings: [{ bytes: 5000 }] });
    const first = (await json(await get(`/recordings/${m.recordings[0]!.id}`))).temporaryDirectDownloadLinks;
    expect(Date.parse(first.expiration)).toBeLessThan(Date.now());
    const expired = await fetch(first.recordingDownloadLink);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);

    const second = (await json(await get(`/recordings/${m.recordings[0]!.id}`))).temporaryDirectDownloadLinks;
    expect(Date.parse(second.expiration)).toBeGreaterThan(Date.now() + 2 * 3600_000);
    const fresh = await fetch(second.recordingDownloadLink);
    expect(fresh.status).toBe(200);
    expect(sha256(await fresh.arrayBuffer())).toBe(m.recordings[0]!.sha256);
    // A tampered link is refused.
    const tampered = second.recordingDownloadLink.replace('X-Amz-Expires=10800', 'X-Amz-Expires=99999');
    expect((await fetch(tampered)).status).toBe(403);
  });

  test('a stopped-and-restarted recording: several recordings per meeting, each its own file', async () => {
    const m = sim.webex.addMeeting({
      recordings: [
        { bytes: 3000, durationSeconds: 120 },
        { bytes: 7000, durationSeconds: 30 },
      ],
    });
    const { items } = await getJson(`/recordings?meetingId=${m.meetingId}`);
    expect(items.map((r) => [r.id, r.sizeBytes, r.durationSeconds])).toEqual([
      [m.recordings[0]!.id, 3000, 120],
      [m.recordings[1]!.id, 7000, 30],
    ]);
    expect(Date.parse(items[1].timeRecorded)).toBeGreaterThan(Date.parse(items[0].timeRecorded) + 120_000);
    for (const r of m.recordings) {
      const link = (await json(await get(`/recordings/${r.id}`))).temporaryDirectDownloadLinks
        .recordingDownloadLink;
      const body = await (await fetch(link)).arrayBuffer();
      expect([body.byteLength, sha256(body)]).toEqual([r.bytes, r.sha256]);
    }
    // The series id lists them too.
    expect((await getJson(`/recordings?meetingId=${m.meetingSeriesId}`)).items).toHaveLength(2);
  });
});

describe('transcripts', () => {
  test('listed after transcriptAfterListings; VTT and TXT carry the snippets with speaker names', async () => {
    const m = sim.webex.addMeeting({ transcriptAfterListings: 1, snippets: 9, participants: 4 });
    expect((await getJson(`/meetingTranscripts?meetingId=${m.meetingId}`)).items).toEqual([]);
    expect((await get(`/meetingTranscripts/${m.transcriptId}/snippets`)).status).toBe(404);
    const { items } = await getJson(`/meetingTranscripts?meetingId=${m.meetingId}`);
    expect(items).toEqual([
      expect.objectContaining({ id: m.transcriptId, meetingId: m.meetingId, status: 'available' }),
    ]);
    const t = items[0];
    expect(t.vttDownloadLink).toBe(
      `${api}/meetingTranscripts/${encodeURIComponent(m.transcriptId)}/download?meetingId=${m.meetingId}&format=vtt`,
    );

    const snippets = (await getJson(`/meetingTranscripts/${m.transcriptId}/snippets?max=100`)).items;
    expect(snippets).toHaveLength(9);
    expect(snippets[0]).toEqual({
      id: expect.any(String),
      text: expect.any(String),
      personName: expect.any(String),
      personEmail: expect.stringContaining('@'),
      offsetMillisecond: expect.any(Number),
      durationMillisecond: expect.any(Number),
    });
    expect(new Set(snippets.map((s) => s.personName)).size).toBeGreaterThan(1);

    // Downloads need the bearer token like any API call.
    expect((await fetch(t.vttDownloadLink)).status).toBe(401);
    const vtt = await get(t.vttDownloadLink);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    const vttText = await vtt.text();
    expect(vttText.startsWith('WEBVTT')).toBe(true);
    const txt = await get(t.txtDownloadLink);
    expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
    const txtText = await txt.text();
    for (const s of snippets) {
      expect(vttText).toContain(`${s.personName}: ${s.text}`);
      expect(txtText).toContain(`${s.personName}: ${s.text}`);
    }
    expect(vttText).toContain('00:00:01.000 --> 00:00:03.000');
  });

  test('transcript: false is never listed; publish() shows it at once', async () => {
    const m = sim.webex.addMeeting({ transcript: false });
    for (let i = 0; i < 3; i++)
      expect((await getJson(`/meetingTranscripts?meetingId=${m.meetingId}`)).items).toEqual([]);
    const pub = await fetch(`${sim.url}/sim/webex/meetings/${m.meetingId}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asset: 'transcript' }),
    });
    expect(pub.status).toBe(200);
    expect((await getJson(`/meetingTranscripts?meetingId=${m.meetingId}`)).items).toHaveLength(1);
  });

  test('snippets are paginated with Link rel="next"', async () => {
    const m = sim.webex.addMeeting({ snippets: 25 });
    const first = await get(`/meetingTranscripts/${m.transcriptId}/snippets`);
    expect(((await json(first)) as { items: unknown[] }).items).toHaveLength(10); // default max
    const { pages, items } = await allPages(`${api}/meetingTranscripts/${m.transcriptId}/snippets?max=10`);
    expect(pages).toBe(3);
    expect(items.map((s) => s.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => `${m.transcriptId}_${String(i + 1).padStart(5, '0')}`),
    );
    expect((await get(`/meetingTranscripts/${m.transcriptId}/snippets?max=101`)).status).toBe(400);
  });
});

describe('participants', () => {
  test('250 participants with max=100: three pages through Link rel="next"', async () => {
    const m = sim.webex.addMeeting({ participants: 250 });
    const { pages, items } = await allPages(`${api}/meetingParticipants?meetingId=${m.meetingId}&max=100`);
    expect(pages).toBe(3);
    expect(items).toHaveLength(250);
    expect(new Set(items.map((p) => p.id)).size).toBe(250);
    expect(items.filter((p) => p.host)).toHaveLength(1);
    expect(items[3]).toEqual(
      expect.objectContaining({
        meetingId: m.meetingId,
        state: 'end',
        displayName: expect.any(String),
        email: expect.stringContaining('@'),
        joinedTime: expect.any(String),
        leftTime: expect.any(String),
        devices: [
          expect.objectContaining({ correlationId: expect.any(String), durationSecond: expect.any(Number) }),
          expect.objectContaining({ joinedTime: expect.any(String), leftTime: expect.any(String) }),
        ],
      }),
    );
    expect((await get('/meetingParticipants')).status).toBe(400);
  });

  test('dropQueryInLinks: the next link lacks meetingId and is refused as given; repaired, it works', async () => {
    const m = sim.webex.addMeeting({ participants: 15, dropQueryInLinks: true });
    const first = await get(`/meetingParticipants?meetingId=${m.meetingId}&max=10`);
    const next = nextLink(first);
    expect(next).toBeDefined();
    const url = new URL(next!);
    expect(url.searchParams.has('meetingId')).toBe(false);
    expect(url.searchParams.get('max')).toBe('10');
    const asGiven = await get(next!);
    expect(asGiven.status).toBe(400);
    expect((await json(asGiven)).message).toMatch(/meetingId/);
    url.searchParams.set('meetingId', m.meetingId);
    const repaired = await get(url.href);
    expect(repaired.status).toBe(200);
    expect(((await json(repaired)) as { items: unknown[] }).items).toHaveLength(5);
    expect(nextLink(repaired)).toBeUndefined();
  });
});

describe('meetings', () => {
  test('GET creates a series on first sight; PATCH turns on auto-record and is logged; instances are 400', async () => {
    const series = 'a'.repeat(32);
    const got = await getJson(`/meetings/${series}`);
    expect(got).toEqual(
      expect.objectContaining({ id: series, meetingType: 'meetingSeries', enabledAutoRecordMeeting: false }),
    );
    const patch = (id: string, body: unknown) =>
      fetch(`${api}/meetings/${id}`, {
        method: 'PATCH',
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const before = sim.webex.patches.length;
    const patched = await patch(series, { enabledAutoRecordMeeting: true });
    expect(patched.status).toBe(200);
    expect((await json(patched)).enabledAutoRecordMeeting).toBe(true);
    expect((await getJson(`/meetings/${series}`)).enabledAutoRecordMeeting).toBe(true);

    const scheduled = `${series}_20300101T100000Z`;
    expect(await getJson(`/meetings/${scheduled}`)).toEqual(
      expect.objectContaining({
        id: scheduled,
        meetingSeriesId: series,
        meetingType: 'scheduledMeeting',
        start: '2030-01-01T10:00:00Z',
        enabledAutoRecordMeeting: false,
      }),
    );

    const m = sim.webex.addMeeting({ title: 'Quarterly review' });
    expect(await getJson(`/meetings/${m.meetingId}`)).toEqual(
      expect.objectContaining({
        id: m.meetingId,
        meetingSeriesId: m.meetingSeriesId,
        scheduledMeetingId: m.scheduledMeetingId,
        title: 'Quarterly review',
        meetingType: 'meeting',
        state: 'ended',
      }),
    );
    const instance = await patch(m.meetingId, { enabledAutoRecordMeeting: true });
    expect(instance.status).toBe(400);
    expect((await json(instance)).message).toMatch(/_I_/);
    expect(sim.webex.patches.slice(before)).toEqual([
      { meetingId: series, body: { enabledAutoRecordMeeting: true } },
      { meetingId: m.meetingId, body: { enabledAutoRecordMeeting: true } },
    ]);
    expect((await get(`/meetings/${'f'.repeat(32)}_I_123`)).status).toBe(404);
    expect((await get('/meetings/not%20an%20id')).status).toBe(404);
  });
});

describe('webhooks', () => {
  let target: Server;
  let targetUrl: string;
  const received: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> = [];
  beforeAll(async () => {
    target = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    target.closeAllConnections();
    await new Promise((r) => target.close(r));
  });

  const hmac = (raw: Buffer, secret = SIM_WEBEX_WEBHOOK_SECRET) =>
    createHmac('sha1', secret).update(raw).digest('hex');

  test('bodies are signed over the exact bytes; data ids follow the event', async () => {
    const m = sim.webex.addMeeting({ recordingsAfterListings: 5 });
    const answer = await sim.webex.sendWebhook(m.meetingId, 'meetings', 'ended', targetUrl);
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    const ended = received.at(-1)!;
    expect(ended.headers['x-spark-signature']).toBe(hmac(ended.raw));
    const body = JSON.parse(ended.raw.toString());
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'name',
        'targetUrl',
        'resource',
        'event',
        'orgId',
        'createdBy',
        'appId',
        'ownedBy',
        'status',
        'created',
        'actorId',
        'data',
      ].sort(),
    );
    expect(body).toEqual(
      expect.objectContaining({ resource: 'meetings', event: 'ended', targetUrl, status: 'active' }),
    );
    expect(body.data).toEqual(
      expect.objectContaining({
        id: m.meetingId,
        meetingType: 'meeting',
        state: 'ended',
        hostEmail: expect.any(String),
      }),
    );

    await sim.webex.sendWebhook(m.meetingId, 'meetings', 'created', targetUrl);
    expect(JSON.parse(received.at(-1)!.raw.toString()).data.id).toBe(m.meetingSeriesId);
    await sim.webex.sendWebhook(m.meetingId, 'meetings', 'created', targetUrl, { idKind: 'scheduled' });
    expect(JSON.parse(received.at(-1)!.raw.toString()).data.id).toBe(m.scheduledMeetingId);

    // recordings/created publishes the recordings first (regardless of recordingsAfterListings).
    await sim.webex.sendWebhook(m.meetingId, 'recordings', 'created', targetUrl);
    const rec = received.at(-1)!;
    expect(rec.headers['x-spark-signature']).toBe(hmac(rec.raw));
    expect(JSON.parse(rec.raw.toString()).data).toEqual(
      expect.objectContaining({ id: m.recordings[0]!.id, meetingId: m.meetingId, topic: expect.any(String) }),
    );
    expect((await getJson(`/recordings?meetingId=${m.meetingId}`)).items).toHaveLength(1);
  });

  test('over HTTP: POST /sim/webex/meetings and /sim/webex/meetings/:id/webhooks', async () => {
    const created = await fetch(`${sim.url}/sim/webex/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meetingId: `${'b'.repeat(32)}_I_123456789012345678`, participants: 2 }),
    });
    expect(created.status).toBe(201);
    const m = await json(created);
    expect(m).toEqual({
      meetingId: `${'b'.repeat(32)}_I_123456789012345678`,
      scheduledMeetingId: expect.stringMatching(/^b{32}_\d{8}T\d{6}Z$/),
      meetingSeriesId: 'b'.repeat(32),
      recordings: [
        { id: expect.any(String), bytes: 262144, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ],
      transcriptId: expect.any(String),
      participants: 2,
      snippets: 12,
    });
    const bad = await fetch(`${sim.url}/sim/webex/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meetingId: 'b'.repeat(32) }),
    });
    expect(bad.status).toBe(400);

    const sent = await fetch(`${sim.url}/sim/webex/meetings/${m.meetingId}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resource: 'meetingTranscripts', event: 'created', targetUrl }),
    });
    expect(sent.status).toBe(200);
    expect((await json(sent)).status).toBe(200);
    const delivery = received.at(-1)!;
    expect(delivery.headers['x-spark-signature']).toBe(hmac(delivery.raw));
    expect(delivery.headers['x-spark-signature']).not.toBe(hmac(delivery.raw, 'another-secret'));
    const data = JSON.parse(delivery.raw.toString()).data;
    expect(data).toEqual(expect.objectContaining({ id: m.transcriptId, meetingId: m.meetingId }));
    expect(data.vttDownloadLink.startsWith(`${api}/meetingTranscripts/`)).toBe(true);
  });
});

test('a /sim/faults 429 with Retry-After applies to /webex/v1 paths', async () => {
  const m = sim.webex.addMeeting();
  const fault = await fetch(`${sim.url}/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pathPrefix: '/webex/v1/recordings', status: 429, retryAfterSeconds: 3 }),
  });
  expect(fault.status).toBe(201);
  const limited = await get(`/recordings?meetingId=${m.meetingId}`);
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('3');
  expect((await get(`/recordings?meetingId=${m.meetingId}`)).status).toBe(200);
  const log = sim.faults.requestsTo('/webex/v1/recordings').slice(-2);
  expect(log.map((r) => r.faultStatus)).toEqual([429, undefined]);
  expect(log[0]!.query).toBe(`meetingId=${m.meetingId}`);
});
