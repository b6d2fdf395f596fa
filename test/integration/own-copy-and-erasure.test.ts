// Our own copy of the recording (GET …/recording once archived) and erasure on request (DELETE …/data), on
// both archives: the directory and object storage (a real SeaweedFS). Everything through HTTP and the
// simulator: the bytes served are the archived ones, Range gives the slice, erased objects are gone from the
// store itself, and nothing of an erased meeting is archived again.
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HttpMeetingsClient } from '../../client';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import type { MeetingView } from '../../domain/view';
import { S3Archive, type Archive } from '../../platform/archive';
import {
  bearer,
  postJson,
  READ_TOKEN,
  WRITE_TOKEN,
  startStack,
  viewWhenOn,
  type Stack,
} from '../helpers/stack';

const BUCKET = `owncopy-${randomUUID().slice(0, 8)}`;
const PREFIX = 'archive';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let seaweed: SeaweedFs;
beforeAll(async () => {
  seaweed = await startSeaweedFs();
});
afterAll(async () => {
  await seaweed?.stop();
});

/** What each archive is, and how a test looks into the store itself (not through the service). */
interface ArchiveKind {
  name: string;
  archive: () => Archive | undefined;
  /** Whether the object at `key` (an archive key) is stored. */
  stored: (stack: Stack, key: string) => Promise<boolean>;
  /** The archive keys stored under `prefix`. */
  under: (stack: Stack, prefix: string) => Promise<string[]>;
}

const directory: ArchiveKind = {
  name: 'directory',
  archive: () => undefined,
  stored: (stack, key) => Promise.resolve(fs.existsSync(path.join(stack.archiveDir, ...key.split('/')))),
  under: async (stack, prefix) => {
    const dir = path.join(stack.archiveDir, ...prefix.split('/'));
    const names = (await fs.promises.readdir(dir, { recursive: true }).catch(() => [])) as string[];
    return names.filter((f) => fs.statSync(path.join(dir, f)).isFile());
  },
};

const objectStore: ArchiveKind = {
  name: 'S3 (SeaweedFS)',
  archive: () => new S3Archive({ bucket: BUCKET, prefix: PREFIX }, seaweed.client),
  stored: async (_stack, key) => {
    try {
      await seaweed.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw err;
    }
  },
  under: async (_stack, prefix) => {
    const listed = await seaweed.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/${prefix}/` }),
    );
    return (listed.Contents ?? []).map((o) => o.Key!);
  },
};

describe.each([directory, objectStore])('the $name archive', (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    // Linger: the meetings stay open, so that erasure meets a lingering workflow here.
    // Short pauses between rounds of a failing download: the retry after the erasure comes soon.
    stack = await startStack({
      lingerSeconds: 300,
      archive: kind.archive(),
      assetRetry: { attemptsPerRound: 1, firstPauseSeconds: 1, maxPauseSeconds: 2 },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const viewWhen = viewWhenOn(() => stack);

  /** A completed Meeting BaaS meeting from the simulator, with its recording and transcript archived. */
  async function completedMeeting(recordingBytes = 300_000) {
    const meeting = stack.sim.meetingBaas.create({ words: 30, recordingBytes });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    const view = await viewWhen(meeting.botId, (v) => v.status === 'completed');
    expect(view.recording?.status).toBe('archived');
    return { meeting, view };
  }

  /** GET …/recording followed by hand: the Location, and the answer of fetching it (with `headers`). */
  async function ownCopy(botId: string, headers: Record<string, string> = {}) {
    const res = await stack.api(`/meetings/meetingbaas/${botId}/recording`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    // A path on this API keeps the bearer token (same origin); a presigned URL needs none.
    const file = location.startsWith('/')
      ? await stack.api(location, { headers })
      : await fetch(location, { headers });
    return { location, file };
  }

  test('GET …/recording serves our archived copy: the same sha256, and Range gives 206 with the slice', async () => {
    const { meeting, view } = await completedMeeting();
    const { location, file } = await ownCopy(meeting.botId);
    if (kind === directory) expect(location).toBe(`/meetings/meetingbaas/${meeting.botId}/recording/file`);
    else
      expect(location).toMatch(
        new RegExp(`/${BUCKET}/${PREFIX}/meetingbaas/${meeting.botId}/recording\\.mp4\\?`),
      );
    expect(location.startsWith(stack.sim.url)).toBe(false);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.byteLength).toBe(view.recording!.archive!.bytes);
    expect(sha256(bytes)).toBe(view.recording!.archive!.sha256);
    expect(sha256(bytes)).toBe(meeting.sha256);

    const ranged = await ownCopy(meeting.botId, { range: 'bytes=1000-1999' });
    expect(ranged.file.status).toBe(206);
    expect(ranged.file.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.byteLength}`);
    expect(Buffer.from(await ranged.file.arrayBuffer())).toEqual(Buffer.from(bytes.subarray(1000, 2000)));

    // The typed client follows the redirect, sending the read token only to this API.
    const client = new HttpMeetingsClient({ baseUrl: stack.apiUrl, token: READ_TOKEN });
    const where = await client.recordingLocation('meetingbaas', meeting.botId);
    expect(where.withToken).toBe(kind === directory);
    const whole = await client.downloadRecording('meetingbaas', meeting.botId);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(meeting.sha256);
    const slice = await client.downloadRecording('meetingbaas', meeting.botId, { range: 'bytes=0-99' });
    expect(slice.status).toBe(206);
    expect(Buffer.from(await slice.arrayBuffer())).toEqual(Buffer.from(bytes.subarray(0, 100)));
  });

  test('before archival GET …/recording redirects to the provider; erased mid-collection, nothing is archived', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 100_000 });
    // The provider's storage fails for now: the recording is retried, the meeting stays collecting.
    stack.sim.faults.add({ pathPrefix: `/recordings/${meeting.botId}`, status: 503, count: 10_000 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    await viewWhen(meeting.botId, (v) => v.status === 'collecting' && !!v.recording?.reason);
    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/recording`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')!.startsWith(`${stack.sim.url}/recordings/${meeting.botId}`)).toBe(
      true,
    );

    // Erased while the workflow is running and the download retried; then the storage comes back.
    const erased = await stack.api(`/meetings/meetingbaas/${meeting.botId}/data`, { method: 'DELETE' });
    expect(erased.status).toBe(202);
    await viewWhen(meeting.botId, (v) => v.deletedAt !== undefined);
    stack.sim.faults.clear();
    const done = await viewWhen(meeting.botId, (v) => v.status !== 'collecting', 60_000);
    expect(done.recording).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/erased/) });
    expect(done.recording?.archive).toBeUndefined();
    expect(await kind.under(stack, `meetingbaas/${meeting.botId}`)).toEqual([]);
    expect(await kind.under(stack, `inbox/meetingbaas/${meeting.botId}`)).toEqual([]);
  });

  test('DELETE …/data erases a lingering meeting: objects gone, deletedAt, idempotent, 410 for the recording', async () => {
    const { meeting } = await completedMeeting(50_000);
    const botId = meeting.botId;
    expect(await kind.stored(stack, `meetingbaas/${botId}/recording.mp4`)).toBe(true);
    expect(await kind.under(stack, `inbox/meetingbaas/${botId}`)).not.toEqual([]);

    // Object storage: a multipart upload left under the meeting (a download to resume) goes too.
    const uploads = async () =>
      (
        await seaweed.client.send(
          new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `${PREFIX}/meetingbaas/${botId}/` }),
        )
      ).Uploads ?? [];
    if (kind === objectStore) {
      await seaweed.client.send(
        new CreateMultipartUploadCommand({
          Bucket: BUCKET,
          Key: `${PREFIX}/meetingbaas/${botId}/resumed.mp4`,
        }),
      );
      expect(await uploads()).toHaveLength(1);
    }

    const first = await stack.api(`/meetings/meetingbaas/${botId}/data`, { method: 'DELETE' });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ workflowId: `meetingbaas:${botId}` });
    const erased = await viewWhen(botId, (v) => v.deletedAt !== undefined);
    expect(erased.status).toBe('completed');
    for (const asset of [erased.recording, erased.transcript]) {
      expect(asset).toMatchObject({
        status: 'unavailable',
        reason: `erased on request at ${erased.deletedAt}`,
      });
      expect(asset?.archive).toBeUndefined();
    }
    expect(erased.erasure?.objectsDeleted).toBeGreaterThanOrEqual(3);
    expect(erased.history.map((h) => h.code)).toEqual(
      expect.arrayContaining(['erasure_requested', 'data_erased']),
    );
    expect(await kind.stored(stack, `meetingbaas/${botId}/recording.mp4`)).toBe(false);
    expect(await kind.stored(stack, `meetingbaas/${botId}/transcript.json`)).toBe(false);
    expect(await kind.under(stack, `meetingbaas/${botId}`)).toEqual([]);
    expect(await kind.under(stack, `inbox/meetingbaas/${botId}`)).toEqual([]);
    if (kind === objectStore) expect(await uploads()).toEqual([]);

    // Again, through the typed client: accepted (202) as well.
    const client = new HttpMeetingsClient({ baseUrl: stack.apiUrl, token: WRITE_TOKEN });
    expect(await client.eraseData('meetingbaas', botId)).toMatchObject({
      workflowId: `meetingbaas:${botId}`,
    });
    const twice = await viewWhen(
      botId,
      (v) => v.history.filter((h) => h.code === 'data_erased').length === 2,
    );
    expect(twice.deletedAt).toBe(erased.deletedAt);
    expect(twice.erasure?.objectsDeleted).toBe(0);

    const gone = await stack.api(`/meetings/meetingbaas/${botId}/recording`, { redirect: 'manual' });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: 'gone' });
    const url = await stack.api(`/meetings/meetingbaas/${botId}/recording-url`, { method: 'POST' });
    expect(url.status).toBe(409);

    // A webhook after erasure: answered 200 and recorded in the history, its body archived nowhere.
    const late = await postJson(stack.webhookUrl, {
      event: 'complete',
      data: { bot_id: botId, mp4: stack.sim.meetingBaas.recordingUrl(botId, 3600), speakers: ['Late'] },
    });
    expect(late.status).toBe(200);
    const status = await postJson(stack.webhookUrl, {
      event: 'bot.status_change',
      data: { bot_id: botId, status: { code: 'some_new_code', created_at: new Date().toISOString() } },
    });
    expect(status.status).toBe(200);
    await viewWhen(botId, (v) => v.history.some((h) => h.code === 'some_new_code'));
    expect(await kind.under(stack, `inbox/meetingbaas/${botId}`)).toEqual([]);
    expect(await kind.under(stack, `meetingbaas/${botId}`)).toEqual([]);
  });
});

describe('erasure through HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ lingerSeconds: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const viewWhen = viewWhenOn(() => stack);

  test('a read token is refused (403), no token 401, an unknown meeting 404, a bad query 400', async () => {
    const unknown = `never-seen-${randomUUID()}`;
    const read = await stack.api(`/meetings/meetingbaas/${unknown}/data`, {
      method: 'DELETE',
      headers: bearer(READ_TOKEN),
    });
    expect(read.status).toBe(403);
    expect(await read.json()).toMatchObject({ error: 'forbidden' });
    const none = await fetch(`${stack.apiUrl}/meetings/meetingbaas/${unknown}/data`, { method: 'DELETE' });
    expect(none.status).toBe(401);
    const missing = await stack.api(`/meetings/meetingbaas/${unknown}/data`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const bad = await stack.api(`/meetings/meetingbaas/${unknown}/data?provider=maybe`, { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_payload' });
  });

  test('a closed meeting is erased by a new run from its view; ?provider=true asks Meeting BaaS', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 20_000 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    const handle = stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`);
    const closed = (await handle.result()) as MeetingView;
    expect(closed.status).toBe('completed');
    const file = new URL(closed.recording!.archive!.uri).pathname;
    expect(fs.existsSync(file)).toBe(true);

    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/data?provider=true`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(202);
    const erased = await viewWhen(meeting.botId, (v) => v.erasure?.provider?.status === 'deleted');
    expect(erased.deletedAt).toBeDefined();
    expect(erased.status).toBe('completed');
    expect(erased.erasure!.provider!.note).toMatch(/Meeting BaaS/);
    expect(fs.existsSync(file)).toBe(false);
    expect(stack.sim.meetingBaas.deletions.calls).toContainEqual(
      expect.objectContaining({ botId: meeting.botId, version: 'v1', status: 200 }),
    );
    // The new run ends once erased (no linger here); the erasure stays in the closed view.
    const after = (await stack.client.workflow
      .getHandle(`meetingbaas:${meeting.botId}`)
      .result()) as MeetingView;
    expect(after.deletedAt).toBe(erased.deletedAt);
  });

  test('?provider=true on a Webex meeting deletes its recordings and transcripts at Webex', async () => {
    const m = stack.sim.webex.addMeeting({ recordings: [{ bytes: 10_000 }] });
    await stack.sim.webex.sendWebhook(m.meetingId, 'meetings', 'ended', stack.webexWebhookUrl);
    const done = await viewWhenOn(() => stack, 'webex')(m.meetingId, (v) => v.status === 'completed');
    const recordingIds = (done.recording?.parts ?? []).map((p) => p.id);
    expect(recordingIds).toHaveLength(1);
    const res = await stack.api(`/meetings/webex/${m.meetingId}/data?provider=true`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    const erased = await viewWhenOn(() => stack, 'webex')(
      m.meetingId,
      (v) => v.erasure?.provider?.status === 'deleted',
    );
    expect(erased.deletedAt).toBeDefined();
    expect(stack.sim.webex.deletedAssets).toContainEqual({
      kind: 'recording',
      id: recordingIds[0],
      status: 204,
    });
    if (done.transcript?.id)
      expect(stack.sim.webex.deletedAssets).toContainEqual({
        kind: 'transcript',
        id: done.transcript.id,
        status: 204,
      });
    expect(await directory.under(stack, `webex/${m.meetingId}`)).toEqual([]);
  });

  test("the provider's refusal is reported in the view, never a 500", async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    stack.sim.meetingBaas.deletions.refuse.set(meeting.botId, 403);
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    await stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`).result();
    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/data?provider=true`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(202);
    const view = await viewWhen(meeting.botId, (v) => v.erasure?.provider?.status === 'refused');
    expect(view.erasure!.provider!.note).toMatch(/403/);
    expect(view.deletedAt).toBeDefined();
    // Refused for good: asked once, not retried.
    expect(stack.sim.meetingBaas.deletions.calls.filter((c) => c.botId === meeting.botId)).toEqual([
      expect.objectContaining({ status: 403 }),
    ]);
  });
});
