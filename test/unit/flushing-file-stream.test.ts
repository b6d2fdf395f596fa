import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FlushingFileWriteStream } from '../../platform/archive/flushing-file-stream';

// The directory archive's file writer (platform/archive/flushing-file-stream.ts): durable at its end, flushed
// as the file grows.

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flushing-'))));
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `data` in chunks of `size`, as a download delivers it. */
const chunked = (data: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );

/** The files this process has open (the descriptor that lists them is gone by the time it is read). */
const openFiles = () =>
  fs.readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

/** Counts the FileHandle calls made while writing (the class is not exported: taken from an open handle). */
async function spyOnFileHandle() {
  const probe = await fsp.open(path.join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void>; sync(): Promise<void> };
  await probe.close();
  return { datasync: jest.spyOn(proto, 'datasync'), sync: jest.spyOn(proto, 'sync') };
}

test('writes every byte, in order, from chunks of any size', async () => {
  const data = randomBytes(3 * 2 ** 20 + 11);
  const file = path.join(dir, 'out');
  await pipeline(chunked(data, 65_536 + 7), new FlushingFileWriteStream(file));
  expect(fs.readFileSync(file).equals(data)).toBe(true);
});

test('appends to what the file holds with flags "a" (a resumed download)', async () => {
  const file = path.join(dir, 'out');
  fs.writeFileSync(file, 'stored prefix|');
  await pipeline(Readable.from([Buffer.from('the rest')]), new FlushingFileWriteStream(file, 'a'));
  expect(fs.readFileSync(file, 'utf8')).toBe('stored prefix|the rest');
});

test('flushes as the file grows, and fsyncs once at the end', async () => {
  const spies = await spyOnFileHandle();
  const file = path.join(dir, 'out');
  const flushesWhileWriting: number[] = [];
  const data = randomBytes(100 * 2 ** 20);
  const MiB = 2 ** 20;
  // Paced like a download: past each 32 MiB (and the 1 MiB the writer buffers), the source waits up to 5 s
  // for a flush to start; without the background flushes it would never see one. A disk that flushes slower
  // than memory fills cannot make it miss them.
  const source = Readable.from(
    (async function* () {
      let awaited = 0;
      for (let i = 0; i < data.length; i += MiB) {
        yield data.subarray(i, i + MiB);
        const due = Math.floor((i - MiB) / (32 * MiB));
        if (due > awaited) {
          awaited = due;
          for (let waited = 0; spies.datasync.mock.calls.length < due && waited < 5000; waited += 5)
            await new Promise((resolve) => setTimeout(resolve, 5));
        }
        flushesWhileWriting.push(spies.datasync.mock.calls.length);
      }
    })(),
  );
  await pipeline(source, new FlushingFileWriteStream(file));
  // 100 MiB: a background flush after each 32 MiB, started before the source ended.
  expect(flushesWhileWriting.at(-1)).toBeGreaterThanOrEqual(2);
  expect(spies.sync).toHaveBeenCalledTimes(1);
  expect(fs.statSync(file).size).toBe(data.length);
});

test('a small file is not flushed before its end', async () => {
  const spies = await spyOnFileHandle();
  await pipeline(Readable.from([randomBytes(1000)]), new FlushingFileWriteStream(path.join(dir, 'out')));
  expect(spies.datasync).not.toHaveBeenCalled();
  expect(spies.sync).toHaveBeenCalledTimes(1);
});

test('a failed flush fails the stream (never a file taken for durable that is not)', async () => {
  const spies = await spyOnFileHandle();
  spies.datasync.mockRejectedValue(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  const write = pipeline(
    chunked(randomBytes(40 * 2 ** 20), 2 ** 20),
    new FlushingFileWriteStream(path.join(dir, 'out')),
  );
  await expect(write).rejects.toThrow('EIO');
});

test('a file that cannot be opened fails the stream with the cause', async () => {
  const write = pipeline(
    Readable.from([Buffer.from('x')]),
    new FlushingFileWriteStream(path.join(dir, 'missing', 'out')),
  );
  await expect(write).rejects.toMatchObject({ code: 'ENOENT' });
});

test('a source that fails midway closes the file (no descriptor left open)', async () => {
  const file = path.join(dir, 'out');
  const stream = new FlushingFileWriteStream(file);
  const source = Readable.from(
    (async function* () {
      yield Buffer.alloc(1000);
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('connection reset');
    })(),
  );
  await expect(pipeline(source, stream)).rejects.toThrow('connection reset');
  await new Promise((resolve) => (stream.closed ? resolve(undefined) : stream.once('close', resolve)));
  expect(stream.destroyed).toBe(true);
  // Closed: on Linux the file is gone from the process's open descriptors.
  expect(openFiles()).not.toContain(file);
});
