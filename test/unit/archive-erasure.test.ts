// The erasure guard of platform/archive/erasure.ts on a real directory archive: which keys belong to a meeting,
// writes refused once it is erased (also one published while the erasure ran), reads of its gone objects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  eraseMeetingObjects,
  FileArchive,
  guardErasure,
  MeetingErasedError,
  tombstoneKey,
} from '../../platform/archive';
import { meetingOfKey, meetingOfUri } from '../../platform/archive/erasure';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bot = { provider: 'meetingbaas' as const, externalId: 'bot-1' };

test('the keys and URIs of a meeting, and those of none', () => {
  expect(meetingOfKey('meetingbaas/bot-1/recording.mp4')).toEqual(bot);
  expect(meetingOfKey('inbox/meetingbaas/bot-1')).toEqual(bot);
  expect(meetingOfKey('webex/abc_I_1/participants.json')).toEqual({
    provider: 'webex',
    externalId: 'abc_I_1',
  });
  expect(meetingOfKey('requests/meetingbaas/x.json')).toBeUndefined();
  expect(meetingOfKey('erased/meetingbaas/bot-1.json')).toBeUndefined();
  expect(meetingOfUri('file:///data/archive/inbox/meetingbaas/bot-1/abc.json')).toEqual(bot);
  expect(meetingOfUri('s3://bucket/prefix/meetingbaas/bot-1/recording.mp4')).toEqual(bot);
});

test('erased: every object deleted, the mark kept; writes refused; a second erasure deletes nothing', async () => {
  const raw = new FileArchive(dir);
  const archive = guardErasure(raw);
  await archive.putBytes('meetingbaas/bot-1/recording.mp4', 'video');
  await archive.putContentAddressed('inbox/meetingbaas/bot-1', Buffer.from('{}'), '.json');
  await archive.putBytes('meetingbaas/bot-2/recording.mp4', 'other');
  const sent = await archive.putContentAddressed(
    'notifications/meetingbaas/bot-1',
    Buffer.from('{}'),
    '.json',
  );

  expect(await eraseMeetingObjects(archive, bot, '2026-01-01T00:00:00.000Z')).toEqual({ objects: 3 });
  // What was sent about it is erased too.
  await expect(archive.read(sent)).rejects.toBeInstanceOf(MeetingErasedError);
  expect(await archive.has(tombstoneKey(bot))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'meetingbaas', 'bot-1'))).toBe(false);
  expect(await archive.has('meetingbaas/bot-2/recording.mp4')).toBe(true);

  await expect(archive.putJson('meetingbaas/bot-1/transcript.json', {})).rejects.toBeInstanceOf(
    MeetingErasedError,
  );
  await expect(
    archive.putContentAddressed('inbox/meetingbaas/bot-1', Buffer.from('{"late":1}'), '.json'),
  ).rejects.toBeInstanceOf(MeetingErasedError);
  await expect(archive.read({ uri: raw.uriOf('meetingbaas/bot-1/recording.mp4') })).rejects.toBeInstanceOf(
    MeetingErasedError,
  );
  expect(await eraseMeetingObjects(archive, bot, '2026-01-02T00:00:00.000Z')).toEqual({ objects: 0 });
  // Its outcome, told after the erasure (a view without archived data), may still be sent.
  await archive.putContentAddressed('notifications/meetingbaas/bot-1', Buffer.from('{"late":1}'), '.json');
  expect(JSON.parse((await raw.read({ uri: raw.uriOf(tombstoneKey(bot)) })).toString())).toEqual({
    erasedAt: '2026-01-01T00:00:00.000Z',
  });
  // Another meeting is written as before.
  await archive.putBytes('meetingbaas/bot-2/transcript.json', '{}');
});

test('a write under way while the meeting is erased is deleted once published', async () => {
  const raw = new FileArchive(dir);
  const archive = guardErasure(raw);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  async function* slow() {
    yield Buffer.from('first half ');
    await held;
    yield Buffer.from('second half');
  }
  const writing = archive.putStream('meetingbaas/bot-1/recording.mp4', slow());
  // The erasure runs (and finds nothing yet) while the write waits for its second half.
  await new Promise((r) => setTimeout(r, 20));
  await eraseMeetingObjects(archive, bot, '2026-01-01T00:00:00.000Z');
  release();
  await expect(writing).rejects.toBeInstanceOf(MeetingErasedError);
  expect(await archive.has('meetingbaas/bot-1/recording.mp4')).toBe(false);
});

test('a resumable write of an erased meeting is refused, also one started before the erasure', async () => {
  const raw = new FileArchive(dir);
  const archive = guardErasure(raw);
  const key = 'meetingbaas/bot-1/recording.mp4';

  // Started before the erasure (which deleted its partial), completed after it: refused, nothing published.
  const partial = await archive.startPartial(key);
  await eraseMeetingObjects(archive, bot, '2026-01-01T00:00:00.000Z');
  await expect(partial.complete([Buffer.from('video')])).rejects.toBeInstanceOf(MeetingErasedError);
  expect(await archive.has(key)).toBe(false);

  // Started after it: refused at once.
  await expect(archive.startPartial(key)).rejects.toBeInstanceOf(MeetingErasedError);
  // Another meeting's resumable write is untouched.
  const other = await archive.startPartial('meetingbaas/bot-2/recording.mp4');
  await expect(other.complete([Buffer.from('other')])).resolves.toMatchObject({ bytes: 5 });
});
