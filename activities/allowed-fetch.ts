// Downloads from provider storage: only from DOWNLOAD_ALLOWED_HOSTS, over https unless a pattern names
// http://, and never to a loopback, private, link-local, metadata (…) address unless the host is listed
// literally. Every redirect is checked again, and so is the address of every connection: the host is
// resolved once, in the connector, and the socket goes to the address that was checked (no second lookup that
// DNS rebinding could answer differently).
import ipaddr from 'ipaddr.js';
import dns from 'node:dns';
import net from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, buildConnector, Headers, type Dispatcher } from 'undici';
import { HOST_PATTERN_EXAMPLES, matchAllowedHost, parseHostPattern, type HostPattern } from '../domain/hosts';
import { activityFailure } from './failure';

const MAX_REDIRECTS = 5;

/** A host name's addresses, as `dns.lookup(name, { all: true })` gives them. */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family?: number }[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });

// Instance metadata endpoints (AWS, GCP, Azure, OCI: 169.254.169.254; AWS ECS task metadata; AWS IPv6;
// Alibaba; Tencent; Oracle's legacy one). Most are in a forbidden range anyway: named for the message, and
// refused even for a host name listed literally (only the address itself, listed, may reach them).
const METADATA = new Set(
  [
    '169.254.169.254',
    '169.254.170.2',
    '169.254.170.23',
    'fd00:ec2::254',
    'fd00:ec2::23',
    '100.100.100.200',
    '169.254.0.23',
    '192.0.0.192',
  ].map((a) => ipaddr.parse(a).toString()),
);

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

const RANGE_NAMES: Record<string, string> = {
  private: 'private',
  uniqueLocal: 'private (IPv6 unique-local)',
  loopback: 'loopback',
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  carrierGradeNat: 'shared (CGNAT)',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

/** The IPv4 address an IPv6 one stands for (NAT64, 6to4, IPv4-translated), if any. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (ip.match(NAT64) || ip.range() === 'rfc6145') return v4(p[6]!, p[7]!);
  if (ip.range() === '6to4') return v4(p[1]!, p[2]!);
  return undefined;
}

/**
 * Why a download may not connect to `address` (the range it is in), or undefined for a public unicast
 * address. IPv4-mapped and other IPv6 forms of an IPv4 address are judged as that IPv4 address.
 */
export function forbiddenRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.process(address);
  if (ip.kind() === 'ipv6') ip = embeddedIPv4(ip as ipaddr.IPv6) ?? ip;
  if (METADATA.has(ip.toString())) return 'cloud metadata';
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    if (range !== 'unicast') return RANGE_NAMES[range] ?? `reserved (${range})`;
    if (v6.match(IPV4_COMPATIBLE)) return 'reserved (IPv4-compatible IPv6)';
    return v6.match(GLOBAL_UNICAST_V6) ? undefined : 'reserved (unassigned IPv6)';
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === 'unicast' ? undefined : (RANGE_NAMES[range] ?? `reserved (${range})`);
}

/** The connector's refusal, turned into an ApplicationFailure by fetchAllowed. */
class AddressForbidden extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressForbidden';
  }
}

// Connection errors after which the next address of the host is tried.
const TRY_NEXT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface AllowedFetchOptions {
  /** Resolves host names (default: `dns.lookup` with `all: true`); called once per new connection. */
  resolve?: Resolver;
  /**
   * Opens the socket to one checked address, given as `hostname` (`host` stays the URL's, for TLS);
   * default: undici's `buildConnector()`. Tests pass one with their own CA, or one that records addresses.
   */
  connector?: buildConnector.connector;
}

/**
 * A download's answer. undici's `request`, not its `fetch`: the body is a Node stream, not a web stream that
 * every caller converts back, and a recording costs about half the CPU per byte (BENCHMARKS.md, "Archive").
 */
export interface DownloadResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  /** Read it (`text()`, or as a stream) or `discard()` it: an unread body holds its connection. */
  readonly body: Dispatcher.ResponseData['body'];
  /** Drops the rest of the body; never throws. */
  discard(): Promise<void>;
}

function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const one of value === undefined ? [] : Array.isArray(value) ? value : [value])
      headers.append(name, one);
  }
  return headers;
}

export interface AllowedFetch {
  /** GET `raw`, following redirects only to allowed hosts, each connection's address checked. */
  (
    raw: string,
    what: string,
    signal?: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<DownloadResponse>;
  /** Closes the connections kept alive. */
  close(): Promise<void>;
}

/** Parsed patterns, or a non-retryable failure naming the one that is not a pattern. */
function parsePatterns(allowedHosts: readonly string[]): HostPattern[] {
  return allowedHosts.map((raw) => {
    const pattern = parseHostPattern(raw);
    if (!pattern)
      throw activityFailure(
        'InvalidConfiguration',
        `DOWNLOAD_ALLOWED_HOSTS: ${JSON.stringify(raw)} is not a host pattern (like ${HOST_PATTERN_EXAMPLES})`,
      );
    return pattern;
  });
}

/** `raw` as a URL allowed by `patterns` (host, port, scheme), or a non-retryable failure saying why not. */
export function allowedUrl(raw: string, patterns: readonly HostPattern[], what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never the URL itself: a presigned URL's query string is a credential.
    throw activityFailure('InvalidUrl', `${what}: not a URL`);
  }
  const match = matchAllowedHost(url, patterns);
  if (match.allowed) return url;
  const listed = patterns.map((p) => p.source).join(', ');
  throw activityFailure(
    'DownloadHostNotAllowed',
    match.reason === 'scheme'
      ? `${what} URL is ${url.protocol.slice(0, -1)} on ${url.host}, which DOWNLOAD_ALLOWED_HOSTS (${listed}) ` +
          `allows over https only (list http://${url.host} to allow plain http)`
      : `${what} host ${url.host} is not in DOWNLOAD_ALLOWED_HOSTS (${listed})`,
  );
}

/** A fetch limited to `allowedHosts` (DOWNLOAD_ALLOWED_HOSTS patterns), with its own connection pool. */
export function createAllowedFetch(
  allowedHosts: readonly string[],
  options: AllowedFetchOptions = {},
): AllowedFetch {
  const patterns = parsePatterns(allowedHosts);
  const resolve = options.resolve ?? systemResolver;
  const base = options.connector ?? buildConnector({});

  /** The addresses to connect to for this origin, all of them checked; throws AddressForbidden. */
  async function checkedAddresses({ protocol, hostname, host }: buildConnector.Options): Promise<string[]> {
    const origin = new URL(`${protocol}//${host ?? hostname}`);
    const match = matchAllowedHost(origin, patterns);
    if (!match.allowed) throw new AddressForbidden(`host ${origin.host} is not in DOWNLOAD_ALLOWED_HOSTS`);
    const literalIp = net.isIP(hostname) !== 0;
    const addresses = literalIp ? [hostname] : (await resolve(hostname)).map((a) => a.address);
    if (addresses.length === 0)
      throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
    for (const address of addresses) {
      const range = forbiddenRange(address);
      if (range === undefined) continue;
      // A host listed literally (the simulator on 127.0.0.1) may be anywhere; the metadata addresses are
      // reachable only by listing the address itself.
      if (match.literal && (range !== 'cloud metadata' || literalIp)) continue;
      throw new AddressForbidden(
        `host ${origin.hostname} ${literalIp ? 'is' : 'resolves to'} ${address}, a ${range} address, which ` +
          (range === 'cloud metadata'
            ? 'only that very address, listed in DOWNLOAD_ALLOWED_HOSTS, may reach'
            : 'only a host listed literally in DOWNLOAD_ALLOWED_HOSTS (without *.) may reach'),
      );
    }
    return addresses;
  }

  const connect: buildConnector.connector = (opts, callback) => {
    checkedAddresses(opts).then(
      (addresses) => {
        // `host` stays the name: TLS sends it (SNI) and checks the certificate against it.
        const attempt = (i: number) =>
          base({ ...opts, hostname: addresses[i]! }, (...result) => {
            const [err] = result;
            const code = err && 'code' in err ? String(err.code) : undefined;
            if (err && i + 1 < addresses.length && code && TRY_NEXT.has(code)) attempt(i + 1);
            else callback(...result);
          });
        attempt(0);
      },
      (err: Error) => callback(err, null),
    );
  };
  const dispatcher = new Agent({ connect });

  async function hop(
    url: URL,
    what: string,
    signal: AbortSignal | undefined,
    headers: Record<string, string> | undefined,
  ): Promise<DownloadResponse> {
    try {
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        signal,
      });
      return {
        status: res.statusCode,
        statusText: res.statusText,
        ok: res.statusCode >= 200 && res.statusCode < 300,
        headers: headersOf(res.headers),
        body: res.body,
        discard: () => res.body.dump().catch(() => undefined),
      };
    } catch (err) {
      const refusal = err instanceof AddressForbidden ? err : err instanceof Error ? err.cause : undefined;
      if (refusal instanceof AddressForbidden)
        throw activityFailure('DownloadAddressForbidden', `${what} download refused: ${refusal.message}`);
      throw err;
    }
  }

  const allowedFetch = async (
    raw: string,
    what: string,
    signal?: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<DownloadResponse> => {
    let target = allowedUrl(raw, patterns, what);
    for (let hops = 0; ; hops++) {
      const res = await hop(target, what, signal, headers);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await res.discard();
      if (hops === MAX_REDIRECTS) throw activityFailure('TooManyRedirects', 'too many redirects');
      let next: string;
      try {
        next = new URL(location, target).href;
      } catch {
        throw activityFailure('InvalidUrl', `${what}: the redirect's location is not a URL`);
      }
      target = allowedUrl(next, patterns, what);
    }
  };
  return Object.assign(allowedFetch, { close: () => dispatcher.close() });
}

// One pool per DOWNLOAD_ALLOWED_HOSTS list (the worker has one), its patterns parsed once.
const byHosts = new WeakMap<readonly string[], AllowedFetch>();

/** GET `raw` (with `headers`: Range...), following redirects only to allowed hosts (see createAllowedFetch). */
export async function fetchAllowed(
  raw: string,
  allowedHosts: readonly string[],
  what: string,
  signal?: AbortSignal,
  headers?: Record<string, string>,
): Promise<DownloadResponse> {
  let allowedFetch = byHosts.get(allowedHosts);
  if (!allowedFetch) {
    allowedFetch = createAllowedFetch(allowedHosts);
    byHosts.set(allowedHosts, allowedFetch);
  }
  return allowedFetch(raw, what, signal, headers);
}
