// Downloads from provider storage: only from DOWNLOAD_ALLOWED_HOSTS, and every redirect is checked too, so a
// forged or tampered URL cannot make the worker fetch from anywhere else.
import { ApplicationFailure } from '@temporalio/common';
import { isAllowedHost } from '../domain/hosts';

const MAX_REDIRECTS = 5;

/** `raw` as a URL on an allowed host, or a non-retryable failure saying why not. */
export function allowedUrl(raw: string, allowedHosts: readonly string[], what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ApplicationFailure.nonRetryable(`not a URL: ${raw.slice(0, 200)}`, 'InvalidUrl');
  }
  if (!isAllowedHost(url, allowedHosts)) {
    throw ApplicationFailure.nonRetryable(
      `${what} host ${url.host} is not in DOWNLOAD_ALLOWED_HOSTS (${allowedHosts.join(', ')})`,
      'DownloadHostNotAllowed',
    );
  }
  return url;
}

/** GET `raw`, following redirects only to allowed hosts. */
export async function fetchAllowed(
  raw: string,
  allowedHosts: readonly string[],
  what: string,
  signal?: AbortSignal,
): Promise<Response> {
  let target = allowedUrl(raw, allowedHosts, what);
  for (let hops = 0; ; hops++) {
    const res = await fetch(target, { redirect: 'manual', signal });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    if (hops === MAX_REDIRECTS)
      throw ApplicationFailure.nonRetryable('too many redirects', 'TooManyRedirects');
    target = allowedUrl(new URL(location, target).href, allowedHosts, what);
  }
}
