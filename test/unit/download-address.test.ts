// The address check of downloads (activities/allowed-fetch.ts): the host's addresses come from an injected
// resolver, real servers listen on 127.0.0.1 only, and nothing else is ever connected to.
import { ApplicationFailure } from '@temporalio/common';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { buildConnector } from 'undici';
import {
  createAllowedFetch,
  forbiddenRange,
  type AllowedFetch,
  type AllowedFetchOptions,
  type Resolver,
} from '../../activities/allowed-fetch';
import { failure } from '../helpers/failure';

// A self-signed certificate for files.example.test (valid 2000-2100), trusted only by the connector below.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtvVXfcB5cVNOdkS7
V5YDRK0sD/XbKiJkH3FCW0r9ncOhRANCAASJr2BQaRCmI2nC23y60vcPDCSb/vMi
gNUGqjw7W4/74nsb3F2rQ5wpDGFHEx7SV7U0YxeQn1w0+8Jf659MHset
-----END PRIVATE KEY-----
`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBfDCCASKgAwIBAgIBATAKBggqhkjOPQQDAjAdMRswGQYDVQQDDBJmaWxlcy5l
eGFtcGxlLnRlc3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMB0x
GzAZBgNVBAMMEmZpbGVzLmV4YW1wbGUudGVzdDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABImvYFBpEKYjacLbfLrS9w8MJJv+8yKA1QaqPDtbj/viexvcXatDnCkM
YUcTHtJXtTRjF5CfXDT7wl/rn0wex62jUTBPMB0GA1UdEQQWMBSCEmZpbGVzLmV4
YW1wbGUudGVzdDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBTr0jtKSyulKv+J
cW3M5WQoXKzs/DAKBggqhkjOPQQDAgNIADBFAiBY9llXIN1hItpaUJ/EMqC/Jfpy
4+Hp55Shu1objJr6nwIhALVpF1AldpFeqRiikN1LInn50YXTRd1Cmeq+feA9yghP
-----END CERTIFICATE-----
`;

const SECRET = 'X-Amz-Signature=s3cr3t';

/** Every request a test server answered (path and Host header). */
const seen: { path: string; host: string | undefined }[] = [];
let port: number; // the http server on 127.0.0.1
let tlsPort: number; // the https server on 127.0.0.1
const servers: http.Server[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ path: url.pathname, host: req.headers.host });
  const to = url.searchParams.get('to');
  if (url.pathname === '/redirect' && to) {
    res.writeHead(302, { location: to }).end();
    return;
  }
  if (url.pathname === '/stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write('first chunk');
    return; // never ends: the test aborts it
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from ${url.pathname}`);
}

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  port = await listen(http.createServer(handler));
  tlsPort = await listen(https.createServer({ key: TLS_KEY, cert: TLS_CERT }, handler));
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

const fetchers: AllowedFetch[] = [];
beforeEach(() => {
  seen.length = 0;
});
afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
});

/** A resolver answering from `answers` (one list per call, the last one repeated), counting its calls. */
function resolver(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? [];
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

function allowedFetch(hosts: string[], options: AllowedFetchOptions = {}): AllowedFetch {
  const f = createAllowedFetch(hosts, { resolve: resolver(), ...options });
  fetchers.push(f);
  return f;
}

async function body(f: AllowedFetch, url: string): Promise<string> {
  const res = await f(url, 'recording');
  expect(res.status).toBe(200);
  return res.body.text();
}

describe('forbiddenRange', () => {
  test.each<[string, string]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved (reserved)'],
    ['192.0.2.1', 'reserved (reserved)'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'private (IPv6 unique-local)'],
    ['fd12:3456::1', 'private (IPv6 unique-local)'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved (reserved)'],
    // IPv4 addresses in IPv6 clothing are judged as the IPv4 address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
    ['::7f00:1', 'reserved (IPv4-compatible IPv6)'],
    ['::a00:1', 'reserved (IPv4-compatible IPv6)'],
    ['not-an-address', 'not an IP address'],
  ])('%s: %s', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  test.each([
    '93.184.216.34',
    '8.8.8.8',
    '52.95.110.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(forbiddenRange(address)).toBeUndefined();
  });
});

describe('a host matched by a wildcard pattern: its addresses are checked', () => {
  test.each([
    '127.0.0.1',
    '10.0.0.7',
    '169.254.169.254',
    '::1',
    '::ffff:127.0.0.1',
    'fd00:ec2::254',
    '100.64.1.1',
  ])('a public name resolving to %s is refused, without connecting', async (address) => {
    const resolve = resolver([address]);
    const f = allowedFetch(['http://*.example.test'], { resolve });
    const err = await failure(f(`http://files.example.test:${port}/file.mp4?${SECRET}`, 'recording'));
    expect(err.type).toBe('DownloadAddressForbidden');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain('files.example.test');
    expect(err.message).toContain(address);
    expect(err.message).toContain(forbiddenRange(address));
    expect(err.message).not.toContain('s3cr3t');
    expect(err.message).not.toContain('file.mp4');
    expect(resolve.calls).toEqual(['files.example.test']);
    expect(seen).toEqual([]);
  });

  test('one forbidden address among public ones is enough to refuse', async () => {
    const f = allowedFetch(['http://*.example.test'], { resolve: resolver(['93.184.216.34', '127.0.0.1']) });
    const err = await failure(f(`http://files.example.test:${port}/x`, 'recording'));
    expect(err.type).toBe('DownloadAddressForbidden');
    expect(seen).toEqual([]);
  });

  test('a redirect from an allowed host to a host resolving to a private address is refused', async () => {
    const resolve = resolver(['127.0.0.1']);
    const f = allowedFetch([`http://127.0.0.1:${port}`, 'http://*.example.test'], { resolve });
    const to = encodeURIComponent(`http://internal.example.test:${port}/secret?${SECRET}`);
    const err = await failure(f(`http://127.0.0.1:${port}/redirect?to=${to}`, 'transcription'));
    expect(err.type).toBe('DownloadAddressForbidden');
    expect(err.message).toMatch(
      /^transcription download refused: host internal\.example\.test resolves to 127\.0\.0\.1, a loopback address/,
    );
    expect(err.message).not.toContain('s3cr3t');
    expect(resolve.calls).toEqual(['internal.example.test']);
    expect(seen.map((r) => r.path)).toEqual(['/redirect']); // never /secret
  });
});

describe('a host listed literally may be on any address', () => {
  test('127.0.0.1 listed with http:// is downloaded from, without DNS', async () => {
    const resolve = resolver();
    const f = allowedFetch([`http://127.0.0.1:${port}`], { resolve });
    expect(await body(f, `http://127.0.0.1:${port}/file.mp4`)).toBe('hello from /file.mp4');
    expect(resolve.calls).toEqual([]);
  });

  test('a name listed literally resolving to 127.0.0.1 is downloaded from', async () => {
    const f = allowedFetch([`http://sim.example.test:${port}`], { resolve: resolver(['127.0.0.1']) });
    expect(await body(f, `http://sim.example.test:${port}/a`)).toBe('hello from /a');
    expect(seen).toEqual([{ path: '/a', host: `sim.example.test:${port}` }]);
  });

  test('but a name resolving to a cloud metadata address is refused even so', async () => {
    const f = allowedFetch([`http://sim.example.test:${port}`], { resolve: resolver(['169.254.169.254']) });
    const err = await failure(f(`http://sim.example.test:${port}/latest/meta-data/`, 'recording'));
    expect(err.type).toBe('DownloadAddressForbidden');
    expect(err.message).toContain('cloud metadata');
  });

  test('a wildcard does not make a host literal, another literal pattern does', async () => {
    const refused = allowedFetch(['http://*.example.test'], { resolve: resolver(['127.0.0.1']) });
    expect((await failure(refused(`http://sim.example.test:${port}/a`, 'recording'))).type).toBe(
      'DownloadAddressForbidden',
    );
    const allowed = allowedFetch(['http://*.example.test', `http://sim.example.test`], {
      resolve: resolver(['127.0.0.1']),
    });
    expect(await body(allowed, `http://sim.example.test:${port}/a`)).toBe('hello from /a');
  });

  test('the next address is tried when one refuses the connection', async () => {
    const resolve = resolver(['127.0.0.2', '127.0.0.1']);
    const tried: string[] = [];
    const real = buildConnector({});
    const connector: AllowedFetchOptions['connector'] = (opts, callback) => {
      tried.push(opts.hostname);
      if (opts.hostname === '127.0.0.2')
        callback(Object.assign(new Error('connect ECONNREFUSED (test)'), { code: 'ECONNREFUSED' }), null);
      else real(opts, callback);
    };
    const f = allowedFetch([`http://sim.example.test:${port}`], { resolve, connector });
    expect(await body(f, `http://sim.example.test:${port}/b`)).toBe('hello from /b');
    expect(tried).toEqual(['127.0.0.2', '127.0.0.1']);
    expect(resolve.calls).toHaveLength(1);
  });
});

describe('scheme: https unless the pattern names http://', () => {
  test('plain http to a host listed without http:// is refused before any lookup', async () => {
    const resolve = resolver(['93.184.216.34']);
    const f = allowedFetch([`127.0.0.1:${port}`, '*.example.test'], { resolve });
    for (const url of [`http://127.0.0.1:${port}/x`, `http://files.example.test/x?${SECRET}`]) {
      const err = await failure(f(url, 'recording'));
      expect(err.type).toBe('DownloadHostNotAllowed');
      expect(err.message).toMatch(/https only.*list http:\/\//);
      expect(err.message).not.toContain('s3cr3t');
    }
    expect(resolve.calls).toEqual([]);
    expect(seen).toEqual([]);
  });

  describe('over TLS, to the checked address, the certificate checked against the host name', () => {
    const connector = buildConnector({ ca: TLS_CERT });

    test('https to a host listed literally', async () => {
      const f = allowedFetch([`files.example.test:${tlsPort}`], {
        resolve: resolver(['127.0.0.1']),
        connector,
      });
      expect(await body(f, `https://files.example.test:${tlsPort}/tls`)).toBe('hello from /tls');
      expect(seen).toEqual([{ path: '/tls', host: `files.example.test:${tlsPort}` }]);
    });

    test('a certificate for another name is refused (the name, not the address, is verified)', async () => {
      const f = allowedFetch([`other.example.test:${tlsPort}`], {
        resolve: resolver(['127.0.0.1']),
        connector,
      });
      const err = await f(`https://other.example.test:${tlsPort}/tls`, 'recording').catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      expect(seen).toEqual([]);
    });

    test('a redirect from https down to http is refused when the host is listed for https only', async () => {
      const f = allowedFetch([`files.example.test`], { resolve: resolver(['127.0.0.1']), connector });
      const to = encodeURIComponent(`http://files.example.test:${port}/plain`);
      const err = await failure(f(`https://files.example.test:${tlsPort}/redirect?to=${to}`, 'recording'));
      expect(err.type).toBe('DownloadHostNotAllowed');
      expect(seen.map((r) => r.path)).toEqual(['/redirect']);
    });
  });
});

describe('DNS rebinding: the address checked is the address connected to', () => {
  test('one lookup per connection, its answer used: a second answer would not reach the server', async () => {
    // First answer: the test server. Any later lookup would get an address where nothing listens.
    const resolve = resolver(['127.0.0.1'], ['127.0.0.3']);
    const f = allowedFetch([`http://rebind.example.test:${port}`], { resolve });
    expect(await body(f, `http://rebind.example.test:${port}/first`)).toBe('hello from /first');
    expect(resolve.calls).toEqual(['rebind.example.test']);
  });

  test('public on the check, 127.0.0.1 afterwards: the socket goes to the public address checked', async () => {
    const resolve = resolver(['93.184.216.34'], ['127.0.0.1']);
    const connected: string[] = [];
    // Records where the socket would go; nothing leaves this machine.
    const connector: AllowedFetchOptions['connector'] = (opts, callback) => {
      connected.push(`${opts.hostname}:${opts.port}`);
      callback(Object.assign(new Error('connect ECONNREFUSED (test)'), { code: 'ECONNREFUSED' }), null);
    };
    const f = allowedFetch(['http://*.example.test'], { resolve, connector });
    const err = await f(`http://files.example.test:${port}/x`, 'recording').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(connected).toEqual([`93.184.216.34:${port}`]);
    expect(resolve.calls).toEqual(['files.example.test']);
    expect(seen).toEqual([]);
  });
});

describe('the response', () => {
  test('streams, and the cancellation signal stops it', async () => {
    const f = allowedFetch([`http://127.0.0.1:${port}`]);
    const controller = new AbortController();
    const res = await f(`http://127.0.0.1:${port}/stream`, 'recording', controller.signal);
    const chunks = res.body[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('first chunk');
    controller.abort();
    await expect(chunks.next()).rejects.toThrow();
  });

  test('an invalid URL is refused without echoing it', async () => {
    const f = allowedFetch(['*.example.test']);
    const err = await failure(f(`not a url ${SECRET}`, 'recording'));
    expect(err.type).toBe('InvalidUrl');
    expect(err.message).not.toContain('s3cr3t');
  });

  test('an invalid pattern is a configuration error', () => {
    expect(() => createAllowedFetch(['https://example.com/path'])).toThrow(/not a host pattern/);
  });
});
