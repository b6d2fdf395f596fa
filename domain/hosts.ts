// DOWNLOAD_ALLOWED_HOSTS patterns, parsed once, and the check of a URL against them. Pure: no I/O, no DNS (the
// address a host resolves to is checked when connecting, see activities/allowed-fetch.ts).

/**
 * One pattern: `[http://|https://](host|*.domain)[:port]`. Without a scheme (or with `https://`) only https
 * matches; `http://` lets plain http match too. Without a port any port matches.
 */
export interface HostPattern {
  /** The pattern as written (lowercased), for messages. */
  source: string;
  /** `http://`: plain http matches too. */
  http: boolean;
  /** `*.domain`: any subdomain of `host` (not `host` itself); otherwise exactly `host`. */
  wildcard: boolean;
  /** A host name, an IPv4 address or a bracketed IPv6 address, normalized as URL.hostname has it. */
  host: string;
  /** The port to pin, if any. */
  port?: number;
}

const PATTERN =
  /^(?:(https?):\/\/)?(\*\.)?([a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** Examples of valid patterns, for error messages. */
export const HOST_PATTERN_EXAMPLES = 'example.com, *.example.com, example.com:8443 or http://127.0.0.1:4010';

/** `raw` parsed, or undefined when it is not a valid pattern. Case and surrounding spaces do not matter. */
export function parseHostPattern(raw: string): HostPattern | undefined {
  const source = raw.trim().toLowerCase();
  const m = PATTERN.exec(source);
  if (!m) return undefined;
  const [, scheme, star, name = '', portText] = m;
  let host: string;
  try {
    // The URL parser's normalization (`[0::1]` -> `[::1]`), as for the URLs matched against it.
    host = new URL(`http://${name}`).hostname;
  } catch {
    return undefined;
  }
  const ip = host.startsWith('[') || IPV4.test(host);
  // A wildcard covers names under a domain, never addresses; a name that parses as an address is one.
  if (star && ip) return undefined;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { source, http: scheme === 'http', wildcard: star !== undefined, host, port };
}

export type HostMatch =
  | {
      allowed: true;
      /** A pattern without `*.` names this very host: the download may go to any address it resolves to. */
      literal: boolean;
    }
  | {
      allowed: false;
      /** `scheme`: the host is listed but not for this scheme (plain http without `http://`, or not http(s)). */
      reason: 'host' | 'scheme';
    };

/** Whether `url` may be downloaded according to `patterns`, and whether its host is listed literally. */
export function matchAllowedHost(url: URL, patterns: readonly HostPattern[]): HostMatch {
  const https = url.protocol === 'https:';
  const web = https || url.protocol === 'http:';
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : https ? 443 : 80;
  let listed = false;
  let literal: boolean | undefined;
  for (const p of patterns) {
    const hostMatches = p.wildcard
      ? host.length > p.host.length + 1 && host.endsWith(`.${p.host}`)
      : host === p.host;
    if (!hostMatches || (p.port !== undefined && p.port !== port)) continue;
    listed = true;
    if (!web || (!https && !p.http)) continue;
    literal = (literal ?? false) || !p.wildcard;
  }
  if (literal !== undefined) return { allowed: true, literal };
  return { allowed: false, reason: listed ? 'scheme' : 'host' };
}
