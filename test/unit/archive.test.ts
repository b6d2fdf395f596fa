import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileArchive, IncompleteStreamError } from '../../platform/archive';

let tmp: string;
let root: string;
let archive: FileArchive;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-test-'));
  root = path.join(tmp, 'archive');
  archive = new FileArchive(root);
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const partials = (dir: string) => list(dir).filter((n) => n.endsWith('.partial'));

function* chunks(...parts: string[]): Generator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function* failsMidway(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('first part of the recording');
  await new Promise((resolve) => setImmediate(resolve));
  throw new Error('connection reset');
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('putBytes', () => {
  test.each<[string, string | Uint8Array]>([
    ['a string', '{"hello":"world"}'],
    ['a multi-byte string', 'héllo ✓ 🎥'],
    ['binary bytes', Uint8Array.from([0, 1, 2, 255, 254, 0])],
    ['nothing', ''],
  ])('%s: a file:// uri, its byte count and sha256', async (_name, data) => {
    const ref = await archive.putBytes('meetingbaas/bot-1/data.bin', data);
    const expected = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const file = path.join(root, 'meetingbaas', 'bot-1', 'data.bin');

    expect(ref.uri).toBe(pathToFileURL(file).href);
    expect(ref.uri.startsWith('file://')).toBe(true);
    expect(ref.bytes).toBe(expected.length);
    expect(ref.sha256).toBe(sha256(expected));
    expect(fs.readFileSync(file)).toEqual(expected);
    expect(partials(path.dirname(file))).toEqual([]);
  });

  test('a second put of the same key replaces the content', async () => {
    await archive.putBytes('k/file.txt', 'old');
    const ref = await archive.putBytes('k/file.txt', 'new content');
    expect((await archive.read(ref)).toString()).toBe('new content');
    expect(list(path.join(root, 'k'))).toEqual(['file.txt']);
  });
});

describe('putStream', () => {
  test('stores a multi-chunk stream and reports progress up to the total', async () => {
    const progress: number[] = [];
    const ref = await archive.putStream('m/rec.mp4', chunks('abc', 'defg', 'hi'), {
      onProgress: (n) => progress.push(n),
      expectedBytes: 9,
    });
    expect(ref.bytes).toBe(9);
    expect(ref.sha256).toBe(sha256('abcdefghi'));
    expect(fs.readFileSync(path.join(root, 'm', 'rec.mp4'), 'utf8')).toBe('abcdefghi');
    expect(progress.at(-1)).toBe(9);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test('a stream shorter than expectedBytes: IncompleteStreamError, no file at the key, no partial', async () => {
    const put = archive.putStream('m/rec.mp4', Readable.from([Buffer.from('only 17 bytes....')]), {
      expectedBytes: 1000,
    });
    await expect(put).rejects.toBeInstanceOf(IncompleteStreamError);
    await expect(put).rejects.toMatchObject({ received: 17, expected: 1000 });
    expect(fs.existsSync(path.join(root, 'm', 'rec.mp4'))).toBe(false);
    expect(list(path.join(root, 'm'))).toEqual([]);
  });

  test('a stream longer than expectedBytes is refused too', async () => {
    const put = archive.putStream('m/rec.mp4', chunks('0123456789'), { expectedBytes: 5 });
    await expect(put).rejects.toBeInstanceOf(IncompleteStreamError);
    expect(list(path.join(root, 'm'))).toEqual([]);
  });

  test('a short stream does not replace an earlier complete file', async () => {
    await archive.putBytes('m/rec.mp4', 'complete recording');
    await expect(
      archive.putStream('m/rec.mp4', chunks('short'), { expectedBytes: 100 }),
    ).rejects.toBeInstanceOf(IncompleteStreamError);
    expect(fs.readFileSync(path.join(root, 'm', 'rec.mp4'), 'utf8')).toBe('complete recording');
    expect(list(path.join(root, 'm'))).toEqual(['rec.mp4']);
  });

  test('a stream that errors midway leaves no partial and no target', async () => {
    await expect(archive.putStream('m/rec.mp4', failsMidway())).rejects.toThrow('connection reset');
    expect(fs.existsSync(path.join(root, 'm', 'rec.mp4'))).toBe(false);
    expect(list(path.join(root, 'm'))).toEqual([]);
  });

  test('a stream that errors midway keeps the earlier complete file', async () => {
    await archive.putBytes('m/rec.mp4', 'complete recording');
    await expect(archive.putStream('m/rec.mp4', failsMidway())).rejects.toThrow('connection reset');
    expect(fs.readFileSync(path.join(root, 'm', 'rec.mp4'), 'utf8')).toBe('complete recording');
    expect(list(path.join(root, 'm'))).toEqual(['rec.mp4']);
  });

  test('a leftover partial of the same key from a crashed attempt is removed by the next put', async () => {
    const dir = path.join(root, 'm');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.rec.mp4.0b9c2f3e-dead-beef-8000-000000000000.partial'), 'half a file');
    fs.writeFileSync(path.join(dir, `.rec.mp4.${randomUUID()}.partial`), 'another half');

    await archive.putBytes('m/rec.mp4', 'whole file');
    expect(list(dir)).toEqual(['rec.mp4']);
    expect(fs.readFileSync(path.join(dir, 'rec.mp4'), 'utf8')).toBe('whole file');
  });

  test('partials of other keys are left alone', async () => {
    const dir = path.join(root, 'm');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.other.mp4.x.partial'), 'someone else');
    fs.writeFileSync(path.join(dir, '.rec.mp4.keep'), 'not a partial');
    await archive.putBytes('m/rec.mp4', 'whole file');
    expect(list(dir)).toEqual(['.other.mp4.x.partial', '.rec.mp4.keep', 'rec.mp4']);
  });

  test('a put of an unrelated key does not disturb an in-flight write (control for the next test)', async () => {
    const dir = path.join(root, 'm');
    const source = new PassThrough();
    const slow = archive.putStream('m/rec.mp4.json', source);
    source.write('{"first":');
    await until(() => partials(dir).length === 1, 'the partial of rec.mp4.json');

    await archive.putBytes('m/other.mp4', 'video');
    source.end('"half"}');

    await expect(slow).resolves.toMatchObject({ bytes: 16 });
    expect(fs.readFileSync(path.join(dir, 'rec.mp4.json'), 'utf8')).toBe('{"first":"half"}');
  });

  // Key `rec.mp4` is a name prefix of key `rec.mp4.json`; its cleanup must not take the other key's partial.
  test('a put does not destroy the in-flight write of a key whose name it prefixes', async () => {
    const dir = path.join(root, 'm');
    const source = new PassThrough();
    const slow = archive.putStream('m/rec.mp4.json', source);
    source.write('{"first":');
    await until(() => partials(dir).length === 1, 'the partial of rec.mp4.json');

    await archive.putBytes('m/rec.mp4', 'video');
    source.end('"half"}');

    await expect(slow).resolves.toMatchObject({ bytes: 16 });
    expect(fs.readFileSync(path.join(dir, 'rec.mp4.json'), 'utf8')).toBe('{"first":"half"}');
    expect(fs.readFileSync(path.join(dir, 'rec.mp4'), 'utf8')).toBe('video');
  });
});

describe('putContentAddressed', () => {
  test('the same bytes twice are stored once, under their sha256', async () => {
    const data = Buffer.from('{"event":"complete","data":{}}');
    const first = await archive.putContentAddressed('inbox/meetingbaas/bot-1', data, '.json');
    const second = await archive.putContentAddressed('inbox/meetingbaas/bot-1', Buffer.from(data), '.json');

    expect(second).toEqual(first);
    expect(first.sha256).toBe(sha256(data));
    expect(first.bytes).toBe(data.length);
    expect(path.basename(fileURLToPath(first.uri))).toBe(`${sha256(data)}.json`);
    expect(list(path.join(root, 'inbox', 'meetingbaas', 'bot-1'))).toEqual([`${sha256(data)}.json`]);
    expect(await archive.read(first)).toEqual(data);
  });

  test('different bytes are two files', async () => {
    const a = await archive.putContentAddressed('inbox/x', Buffer.from('a'), '.json');
    const b = await archive.putContentAddressed('inbox/x', Buffer.from('b'), '.json');
    expect(a.uri).not.toBe(b.uri);
    expect(list(path.join(root, 'inbox', 'x'))).toHaveLength(2);
  });
});

describe('keys and URIs', () => {
  test.each([
    '../x',
    '../../etc/passwd',
    'a/../b',
    'a//b',
    '.hidden',
    'a/.hidden',
    '/abs',
    'a/',
    '',
    'a b',
    'a\\b',
  ])('unsafe key %j is refused', async (key) => {
    expect(() => archive.pathOf(key)).toThrow();
    await expect(archive.putBytes(key, 'x')).rejects.toThrow();
    // Nothing was written anywhere, not even the archive root.
    expect(list(tmp)).toEqual([]);
  });

  test.each(['a', 'meetingbaas/bot-1/recording.mp4', 'a.b/c_d-e/F9.json'])(
    'safe key %j maps under the root',
    (key) => {
      expect(archive.pathOf(key)).toBe(path.join(root, ...key.split('/')));
    },
  );

  test('fileOf gives back the file of a URI this archive handed out', async () => {
    const ref = await archive.putBytes('k/v.txt', 'x');
    expect(archive.fileOf(ref.uri)).toBe(path.join(root, 'k', 'v.txt'));
    expect(archive.fileOf(archive.uriOf('k/v.txt'))).toBe(path.join(root, 'k', 'v.txt'));
  });

  test.each<[string, () => string]>([
    ['a system file', () => 'file:///etc/passwd'],
    ['the parent of the root', () => pathToFileURL(tmp).href],
    ['the root itself', () => pathToFileURL(root).href],
    ['a sibling folder sharing the root as a prefix', () => pathToFileURL(`${root}-evil/x`).href],
    ['a dot-dot escape', () => `${pathToFileURL(root).href}/k/../../outside`],
    ['an encoded dot-dot escape', () => `${pathToFileURL(root).href}/%2e%2e/outside`],
  ])('fileOf refuses %s', (_name, uri) => {
    expect(() => archive.fileOf(uri())).toThrow();
  });

  test('fileOf refuses non-file URIs', () => {
    expect(() => archive.fileOf('https://example.com/archive/x')).toThrow();
  });

  test('read refuses a URI outside the archive', async () => {
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
    await expect(archive.read({ uri: pathToFileURL(path.join(tmp, 'secret.txt')).href })).rejects.toThrow();
  });

  test('read round-trips bytes, JSON and the sha256', async () => {
    const data = randomBytes(64 * 1024 + 3);
    const ref = await archive.putBytes('bin/blob', data);
    const back = await archive.read(ref);
    expect(back.equals(data)).toBe(true);
    expect(sha256(back)).toBe(ref.sha256);

    const value = { speakers: ['Alice'], utterances: [{ speaker: 'Alice', start: 1, end: 2, text: 'Hi' }] };
    const jsonRef = await archive.putJson('bin/t.json', value);
    expect(JSON.parse((await archive.read(jsonRef)).toString('utf8'))).toEqual(value);
  });
});
