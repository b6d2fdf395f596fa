// A transient failure never becomes a verdict (issue 13, part 5): provoked from outside, over HTTP, on the
// real stack. A download that keeps failing with 5xx past its activity's retries, or an archive that is full,
// keeps the meeting `collecting`, saying what is retried and why, until it works; a 404 from the storage is
// a verdict at once; a meeting where nothing could be archived is `failed` `no_assets`, never `completed`.
import { Readable } from 'node:stream';
import type { ArchiveRef } from '../../domain/archive-ref';
import type { MeetingView } from '../../domain/view';
import { FileArchive, type PartialWrite, type PutOptions } from '../../platform/archive';
import { startStack, viewWhenOn, type Stack } from '../helpers/stack';

/** An archive whose writes of some keys fail with ENOSPC a given number of times (a full disk). */
class FullArchive extends FileArchive {
  readonly failures = new Map<string, number>();

  /** Throws ENOSPC while `key` has failures left. */
  private failIfFull(key: string): void {
    const left = this.failures.get(key) ?? 0;
    if (left === 0) return;
    this.failures.set(key, left - 1);
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  }

  override async putStream(
    key: string,
    source: Readable | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<ArchiveRef> {
    try {
      this.failIfFull(key);
    } catch (err) {
      if (source instanceof Readable) source.destroy();
      throw err;
    }
    return super.putStream(key, source, options);
  }

  /** Recording downloads write through resumable partials. */
  override async startPartial(key: string): Promise<PartialWrite> {
    this.failIfFull(key);
    return super.startPartial(key);
  }
}

let stack: Stack;
let archive: FullArchive;
// Rounds of 2 attempts (2 s apart), 1 s between rounds; assets given up 30 s after the final data.
beforeAll(async () => {
  stack = await startStack({
    archive: (dir) => (archive = new FullArchive(dir)),
    watchdog: { finalDataDeadlineSeconds: 30 },
    assetRetry: { attemptsPerRound: 2, firstPauseSeconds: 1, maxPauseSeconds: 1 },
    webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, assetDeadlineSeconds: 30 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const currentDetails = async (botId: string): Promise<string> => {
  const meta = await stack.client.workflow
    .getHandle(`meetingbaas:${botId}`)
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
};
const fault = async (body: Record<string, unknown>) => {
  const res = await fetch(`${stack.sim.url}/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
};
const clearFaults = async () => {
  expect((await fetch(`${stack.sim.url}/sim/faults`, { method: 'DELETE' })).status).toBeLessThan(300);
};
const play = async (botId: string) => {
  const deliveries = await stack.sim.meetingBaas.play(botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
};
const retryingRecording = (v: MeetingView) =>
  v.status === 'collecting' && v.recording?.status === 'pending' && /retrying/.test(v.recording.reason ?? '');

afterEach(clearFaults);

test('a 503 outage longer than a round of retries: collecting, saying why, then completed once it ends', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 20, recordingBytes: 64 * 1024 });
  await fault({ pathPrefix: `/recordings/${meeting.botId}`, status: 503, count: 1000 });
  await play(meeting.botId);

  // Past the first round (2 attempts), and again after the pause: still collecting, the reason shown.
  const retrying = await viewWhen(
    meeting.botId,
    (v) => retryingRecording(v) && /2 rounds failed/.test(v.recording!.reason!),
  );
  expect(retrying.recording!.reason).toMatch(
    /^recording: retrying, provider unavailable \(5xx\) \(ProviderUnavailable\), next try at .+, gives up at /,
  );
  expect(await currentDetails(meeting.botId)).toMatch(/recording: retrying, provider unavailable/);
  expect(stack.sim.faults.requestsTo(`/recordings/${meeting.botId}`).length).toBeGreaterThanOrEqual(4);

  await clearFaults();
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({ status: 'archived' });
  expect(done.recording!.reason).toBeUndefined();
  expect(done.transcript).toMatchObject({ status: 'archived' });
  expect(await currentDetails(meeting.botId)).not.toMatch(/retrying/);
});

test('a full archive (ENOSPC): collecting, saying the archive is full, then completed', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 20, recordingBytes: 64 * 1024 });
  archive.failures.set(`meetingbaas/${meeting.botId}/recording.mp4`, 4);
  await play(meeting.botId);

  const retrying = await viewWhen(meeting.botId, retryingRecording);
  expect(retrying.recording!.reason).toMatch(
    /recording: retrying, archive full \(ENOSPC\) \(ArchiveUnavailable\)/,
  );

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({ status: 'archived' });
  expect(archive.failures.get(`meetingbaas/${meeting.botId}/recording.mp4`)).toBe(0);
});

test('a 404 from the storage is a verdict at once: unavailable, the meeting completed with its transcript', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 20 });
  await fault({ pathPrefix: `/recordings/${meeting.botId}`, status: 404, count: 1000 });
  await play(meeting.botId);

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({ status: 'unavailable' });
  expect(done.recording!.reason).toMatch(/^download failed: Http404: /);
  expect(done.transcript).toMatchObject({ status: 'archived' });
  // Not retried: one request to the storage.
  expect(stack.sim.faults.requestsTo(`/recordings/${meeting.botId}`)).toHaveLength(1);
});

test('nothing archived at all (recording 404, no transcript): failed no_assets, never completed', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 20, transcript: false });
  await fault({ pathPrefix: `/recordings/${meeting.botId}`, status: 404, count: 1000 });
  await play(meeting.botId);

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed' || v.status === 'failed');
  expect(done.status).toBe('failed');
  expect(done.error?.code).toBe('no_assets');
  expect(done.error?.message).toMatch(/recording: download failed: Http404/);
  expect(done.recording?.status).toBe('unavailable');
  expect(done.transcript?.status).toBe('unavailable');
});

test('a transient failure still there at the deadline: unavailable with the last reason', async () => {
  const short = await startStack({
    watchdog: { finalDataDeadlineSeconds: 4 },
    assetRetry: { attemptsPerRound: 1, firstPauseSeconds: 1, maxPauseSeconds: 1 },
  });
  try {
    const meeting = short.sim.meetingBaas.create({ words: 20, recordingBytes: 4096 });
    short.sim.faults.add({ pathPrefix: `/recordings/${meeting.botId}`, status: 503, count: 1000 });
    await short.sim.meetingBaas.play(meeting.botId, { webhookUrl: short.webhookUrl });
    const done = await viewWhenOn(() => short)(
      meeting.botId,
      (v) => v.status === 'completed' || v.status === 'failed',
      20_000,
    );
    expect(done.status).toBe('completed');
    expect(done.recording?.status).toBe('unavailable');
    expect(done.recording?.reason).toMatch(
      /^download failed \(still failing at the deadline, .+\): ProviderUnavailable: recording download: HTTP 503/,
    );
    expect(done.transcript?.status).toBe('archived');
  } finally {
    await short.stop();
  }
});

test('Webex: a full archive for the participant list: collecting, saying why, then completed', async () => {
  const meeting = stack.sim.webex.addMeeting({ recordings: [{ bytes: 20_000 }], participants: 3 });
  const id = meeting.meetingId;
  archive.failures.set(`webex/${id}/participants.json`, 4);
  await stack.sim.webex.sendWebhook(id, 'meetings', 'ended', stack.webexWebhookUrl);

  const retrying = await viewWhenOn(() => stack, 'webex')(
    id,
    (v) => v.status === 'collecting' && /retrying/.test(v.participants?.reason ?? ''),
  );
  expect(retrying.participants).toMatchObject({
    status: 'pending',
    reason: expect.stringMatching(/^participants: retrying, archive full \(ENOSPC\)/),
  });
  const done = await viewWhenOn(() => stack, 'webex')(id, (v) => v.status === 'completed');
  expect(done.participants).toMatchObject({ status: 'archived' });
  expect(done.recording).toMatchObject({ status: 'archived' });
});
