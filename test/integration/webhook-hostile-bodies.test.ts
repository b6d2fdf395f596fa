// Hostile bodies on the three webhook routes (v1 API key, v2 Svix, Webex): compressed bodies are refused
// before a byte is read (never inflated), nesting deeper than 64 is a 400 found before parsing, the size
// limit holds on raw bytes, signatures are checked before the body is parsed, and an unauthenticated body
// is answered without being read. No worker: nothing here needs a workflow to run.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import pino from 'pino';
import { Webhook as SvixWebhook } from 'svix';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../../api/body';
import { errorHandler } from '../../api/errors';
import { API_KEY, startStack, WEBEX_WEBHOOK_SECRET, WEBHOOK_SECRET, type Stack } from '../helpers/stack';

const SMALL_LIMIT = 64 * 1024;

/** Default WEBHOOK_BODY_LIMIT (64 MB), as in production. */
let stack: Stack;
/** A 64 KB limit, for the size tests. */
let small: Stack;
beforeAll(async () => {
  [stack, small] = await Promise.all([
    startStack({ worker: false }),
    startStack({ worker: false, bodyLimit: SMALL_LIMIT }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), small?.stop()]);
});

type Variant = 'v1' | 'v2' | 'webex';
const VARIANTS: Variant[] = ['v1', 'v2', 'webex'];

const svix = new SvixWebhook(WEBHOOK_SECRET);

/** The credentials of `variant` for `body`: the API key, or a valid signature of these bytes. */
function credentials(variant: Variant, body: Buffer): Record<string, string> {
  switch (variant) {
    case 'v1':
      return { 'x-meeting-baas-api-key': API_KEY };
    case 'v2': {
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      return {
        'svix-id': id,
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': svix.sign(id, at, body.toString('utf8')),
      };
    }
    case 'webex':
      return { 'x-spark-signature': createHmac('sha1', WEBEX_WEBHOOK_SECRET).update(body).digest('hex') };
  }
}

const urlOf = (s: Stack, variant: Variant) => (variant === 'webex' ? s.webexWebhookUrl : s.webhookUrl);

/** A body each route answers 202 `ignored` once it is authentic and parsed: an event type it does not handle. */
function ignoredEvent(variant: Variant, extra: string): string {
  return variant === 'webex'
    ? `{"id":"w1","resource":"messages","event":"created","data":{"id":"d1"},"extra":${extra}}`
    : `{"event":"calendar.sync_events","data":{},"extra":${extra}}`;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

async function post(
  s: Stack,
  variant: Variant,
  body: string | Buffer,
  headers: Record<string, string> = {},
  sign = true,
): Promise<Answer> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const res = await fetch(urlOf(s, variant), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(sign ? credentials(variant, bytes) : {}),
      ...headers,
    },
    body: bytes,
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined,
  };
}

/**
 * Sends the headers and `firstChunk` of a body that never ends (chunked unless `headers` give a length):
 * the answer must come while the body is still open, or the server was waiting to read it.
 */
function openRequest(
  url: string,
  headers: Record<string, string>,
  firstChunk: Buffer,
  timeoutMs = 5000,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms while the body was still being sent`));
    }, timeoutMs);
    req.on('error', (err) => {
      if (answered) return; // the server closing the connection after its answer
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
      });
    });
    req.flushHeaders();
    req.write(firstChunk);
  });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const errorShape = (error: string) => ({ error, message: expect.any(String) });

describe('a compressed body is refused with 415, never inflated', () => {
  // 20 MB of `{},` in about 20 KB of gzip: inflating it is what must never happen.
  const bomb = zlib.gzipSync(Buffer.from(`[${'{},'.repeat(7_000_000)}{}]`), { level: 9 });
  const compressed = {
    gzip: zlib.gzipSync(Buffer.from('{"event":"calendar.sync_events","data":{}}')),
    deflate: zlib.deflateSync(Buffer.from('{"event":"calendar.sync_events","data":{}}')),
    br: zlib.brotliCompressSync(Buffer.from('{"event":"calendar.sync_events","data":{}}')),
  };

  test.each(VARIANTS.flatMap((v) => (['gzip', 'deflate', 'br'] as const).map((e) => [v, e] as const)))(
    '%s, Content-Encoding %s: 415 unsupported_media_type',
    async (variant, encoding) => {
      const res = await post(stack, variant, compressed[encoding], { 'content-encoding': encoding });
      expect(res.status).toBe(415);
      expect(res.body).toEqual(errorShape('unsupported_media_type'));
      expect(String(res.body!.message)).toMatch(/Content-Encoding/);
    },
  );

  test.each(VARIANTS)('%s: a gzip bomb is answered at once, memory untouched', async (variant) => {
    expect(bomb.length).toBeLessThan(100 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const res = await post(stack, variant, bomb, { 'content-encoding': 'gzip' });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(415);
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  test.each(VARIANTS)('%s: refused before a byte of the body is read', async (variant) => {
    const first = bomb.subarray(0, 1024);
    const res = await openRequest(
      urlOf(stack, variant),
      { 'content-type': 'application/json', 'content-encoding': 'gzip', ...credentials(variant, bomb) },
      first,
    );
    expect(res.status).toBe(415);
    expect(res.body).toEqual(errorShape('unsupported_media_type'));
    // The unread rest is not drained: the connection is closed.
    expect(res.headers.connection).toBe('close');
  });

  test('Content-Encoding identity (any case) is a plain body', async () => {
    const res = await post(stack, 'v1', '{"event":"calendar.sync_events","data":{}}', {
      'content-encoding': 'Identity',
    });
    expect(res).toMatchObject({ status: 202, body: { ignored: true } });
  });
});

describe(`JSON nested deeper than ${MAX_JSON_DEPTH} is a 400, found before parsing`, () => {
  test.each(VARIANTS)('%s: depth 65 is 400 invalid_payload saying so', async (variant) => {
    // The envelope object is one level, `extra` the other 64.
    const res = await post(stack, variant, ignoredEvent(variant, nested(MAX_JSON_DEPTH)));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorShape('invalid_payload'));
    expect(String(res.body!.message)).toMatch(/nested deeper than 64/);
  });

  test.each(VARIANTS)('%s: depth 64 gets past the depth check (202 ignored event)', async (variant) => {
    const res = await post(stack, variant, ignoredEvent(variant, nested(MAX_JSON_DEPTH - 1)));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ignored: true });
  });

  test.each(VARIANTS)('%s: 100 000 levels: 400 at once, never a 500', async (variant) => {
    const res = await post(stack, variant, ignoredEvent(variant, nested(100_000)));
    expect(res.status).toBe(400);
    expect(String(res.body!.message)).toMatch(/nested deeper/);
  });

  test.each(VARIANTS)('%s: brackets inside strings (escapes included) do not count', async (variant) => {
    const s = JSON.stringify(`${'['.repeat(100)}\\"${'{'.repeat(100)}\\`);
    const res = await post(stack, variant, ignoredEvent(variant, `{"s":${s},"deep":${nested(60)}}`));
    expect(res.status).toBe(202);
  });

  test('the scanner: strings, escapes, multi-byte characters', () => {
    const deep = (prefix: string) => Buffer.from(`${prefix}[[[1]]]`);
    expect(nestedDeeperThan(deep(''), 2)).toBe(true);
    expect(nestedDeeperThan(deep(''), 3)).toBe(false);
    expect(nestedDeeperThan(Buffer.from('["[[[[","]]]]]]"]'), 1)).toBe(false);
    // An escaped backslash ends the string; an escaped quote does not.
    expect(nestedDeeperThan(Buffer.from('["\\\\",[[1]]]'), 2)).toBe(true);
    expect(nestedDeeperThan(Buffer.from('["\\"[[[[",1]'), 1)).toBe(false);
    expect(nestedDeeperThan(Buffer.from('["é€😀[[[",{"ü":[1]}]'), 2)).toBe(true);
    expect(nestedDeeperThan(Buffer.from('["é€😀[[[",{"ü":1}]'), 2)).toBe(false);
  });
});

describe('the size limit holds on raw bytes', () => {
  const padded = (variant: Variant, size: number) => {
    const body = ignoredEvent(variant, '0');
    return body + ' '.repeat(size - Buffer.byteLength(body));
  };

  test.each(VARIANTS)('%s: one byte over the limit: 413, at the limit: accepted', async (variant) => {
    const over = await post(small, variant, padded(variant, SMALL_LIMIT + 1));
    expect(over.status).toBe(413);
    expect(over.body).toEqual(errorShape('payload_too_large'));
    const at = await post(small, variant, padded(variant, SMALL_LIMIT));
    expect(at.status).toBe(202);
  });

  test.each(VARIANTS)('%s: a chunked body is refused as soon as it passes the limit', async (variant) => {
    const chunk = Buffer.from(padded(variant, SMALL_LIMIT + 1));
    const res = await openRequest(
      urlOf(small, variant),
      { 'content-type': 'application/json', ...credentials(variant, chunk) },
      chunk,
    );
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorShape('payload_too_large'));
    expect(res.headers.connection).toBe('close');
  });

  test.each(VARIANTS)('%s: a Content-Length above the limit: 413 before a byte is read', async (variant) => {
    const res = await openRequest(
      urlOf(small, variant),
      {
        'content-type': 'application/json',
        'content-length': String(10 * 1024 * 1024 * 1024),
        ...credentials(variant, Buffer.alloc(0)),
      },
      Buffer.from('{'),
    );
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorShape('payload_too_large'));
  });
});

describe('the signature is checked before the body is parsed', () => {
  const NOT_JSON = '{"event": not json at all \u0000\xff';

  test.each([
    ['v2', { 'svix-signature': `v1,${Buffer.alloc(32).toString('base64')}` }],
    ['webex', { 'x-spark-signature': '0'.repeat(40) }],
  ] as const)('%s: a bad signature on a body that is not JSON: 401', async (variant, bad) => {
    const res = await post(stack, variant, NOT_JSON, bad);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorShape('unauthorized'));
  });

  test.each([
    ['v2', { 'svix-signature': `v1,${Buffer.alloc(32).toString('base64')}` }],
    ['webex', { 'x-spark-signature': '0'.repeat(40) }],
  ] as const)('%s: a bad signature on a body nested 100 000 deep: 401', async (variant, bad) => {
    const res = await post(stack, variant, nested(100_000), bad);
    expect(res.status).toBe(401);
  });

  test.each(['v2', 'webex'] as const)(
    '%s: a valid signature on a body that is not JSON: 400',
    async (variant) => {
      const res = await post(stack, variant, NOT_JSON);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errorShape('invalid_json'));
    },
  );
});

describe('an unauthenticated body is answered without being read', () => {
  const chunk = Buffer.alloc(16 * 1024, 0x20);

  test.each([
    ['v1, no API key', 'v1', {}],
    ['v1, a wrong API key', 'v1', { 'x-meeting-baas-api-key': 'not-the-key' }],
    ['v2, a Svix header missing', 'v2', { 'svix-id': 'msg_1', 'svix-timestamp': '1' }],
    ['webex, no signature', 'webex', {}],
  ] as const)('%s: 401 while the (endless) body is still being sent', async (_name, variant, headers) => {
    const res = await openRequest(
      urlOf(stack, variant),
      { 'content-type': 'application/json', ...headers },
      chunk,
    );
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorShape('unauthorized'));
    expect(res.headers.connection).toBe('close');
  });

  test('v1 with a wrong API key and a 10 GB Content-Length: 401 (the key comes before the size)', async () => {
    const res = await openRequest(
      stack.webhookUrl,
      {
        'content-type': 'application/json',
        'content-length': String(10 * 1024 * 1024 * 1024),
        'x-meeting-baas-api-key': 'not-the-key',
      },
      chunk,
    );
    expect(res.status).toBe(401);
  });

  test('an accepted body keeps the connection alive', async () => {
    const res = await post(stack, 'v1', ignoredEvent('v1', '0'));
    expect(res.status).toBe(202);
    expect(res.headers.get('connection')).not.toBe('close');
  });
});

describe("errorHandler: body-parser's errors are their 4xx, never a 500", () => {
  // No route of the service uses body-parser any more; should one, its errors keep the contract.
  let url: string;
  let server: http.Server;
  beforeAll(async () => {
    const app = express();
    app.post('/json', express.json({ limit: 100, inflate: false }), (_req, res) => void res.json({}));
    app.use(errorHandler(pino({ level: 'silent' })));
    server = await new Promise<http.Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/json`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  test.each([
    ['an encoded body', 415, 'unsupported_media_type', { 'content-encoding': 'gzip' }, '{}'],
    [
      'an unknown charset',
      415,
      'unsupported_media_type',
      { 'content-type': 'application/json; charset=latin1' },
      '{}',
    ],
    ['a body above the limit', 413, 'payload_too_large', {}, JSON.stringify({ a: 'x'.repeat(200) })],
    ['malformed JSON', 400, 'invalid_json', {}, '{"a":'],
  ])('%s: %i %s', async (_name, status, error, headers, body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(errorShape(error));
  });
});

test('after all of it the service still answers', async () => {
  expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
  expect((await fetch(`${small.apiUrl}/healthz`)).status).toBe(200);
});
