// The AES-256-GCM payload codec (contract/payload-codec.ts) and its keys (PAYLOAD_ENCRYPTION_KEYS).
import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../platform/config';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  UnknownEncryptionKeyError,
} from '../../contract/payload-codec';

const key = (id: string) => ({ id, key: randomBytes(32) });
const payload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const valueOf = (p: Parameters<typeof defaultPayloadConverter.fromPayload>[0]) =>
  defaultPayloadConverter.fromPayload(p);

test('encodes to ciphertext that names its key, and decodes back to the same payload', async () => {
  const codec = new AesGcmPayloadCodec([key('k1')]);
  const [encrypted] = await codec.encode([payload({ name: 'Ada Lovelace', email: 'ada@example.com' })]);
  expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('k1');
  expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('Ada');
  const [decoded] = await codec.decode([encrypted!]);
  expect(valueOf(decoded!)).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
});

test('the same payload encrypts differently each time (a fresh IV)', async () => {
  const codec = new AesGcmPayloadCodec([key('k1')]);
  const [a, b] = await codec.encode([payload('same'), payload('same')]);
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
});

test('rotation: a new first key encrypts, the old one still decrypts what it encrypted', async () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const [old] = await new AesGcmPayloadCodec([k1]).encode([payload('before rotation')]);
  const rotated = new AesGcmPayloadCodec([k2, k1]);
  const [fresh] = await rotated.encode([payload('after rotation')]);
  expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
  const decoded = await rotated.decode([old!, fresh!]);
  expect(decoded.map(valueOf)).toEqual(['before rotation', 'after rotation']);
});

test('a payload under a key not listed: an error naming the key id', async () => {
  const [encrypted] = await new AesGcmPayloadCodec([key('gone')]).encode([payload('x')]);
  const codec = new AesGcmPayloadCodec([key('k1')]);
  await expect(codec.decode([encrypted!])).rejects.toThrow(UnknownEncryptionKeyError);
  await expect(codec.decode([encrypted!])).rejects.toThrow(/"gone"/);
});

test('a tampered ciphertext does not decrypt (GCM authentication)', async () => {
  const k = key('k1');
  const [encrypted] = await new AesGcmPayloadCodec([k]).encode([payload('intact')]);
  const data = Buffer.from(encrypted!.data!);
  data[20] = data[20]! ^ 1;
  await expect(new AesGcmPayloadCodec([k]).decode([{ ...encrypted!, data }])).rejects.toThrow();
});

test('plain payloads (written before encryption was on) pass through decode unchanged', async () => {
  const plain = payload({ a: 1 });
  const [decoded] = await new AesGcmPayloadCodec([key('k1')]).decode([plain]);
  expect(valueOf(decoded!)).toEqual({ a: 1 });
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  const b64 = randomBytes(32).toString('base64');
  test('comma-separated <keyId>:<base64 32 bytes>, the first one first', () => {
    const other = randomBytes(32).toString('base64');
    const config = parseConfig({ PAYLOAD_ENCRYPTION_KEYS: `new:${other}, old:${b64}` });
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.[1]?.key.toString('base64')).toBe(b64);
  });
  test.each([
    ['a key of 16 bytes', `k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    ['no key id', b64, /<keyId>:<base64 key>/],
    ['the same id twice', `k1:${b64},k1:${b64}`, /unique/],
  ])('%s is refused, saying why', (_name, value, message) => {
    expect(() => parseConfig({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(message);
  });
});
