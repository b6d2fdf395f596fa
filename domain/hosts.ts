/**
 * Whether `url`'s host matches one of `patterns`: `example.com` (that host), `*.example.com` (any
 * subdomain), either with `:port` to pin the port. Only http(s) URLs can match.
 */
export function isAllowedHost(url: URL, patterns: readonly string[]): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  const host = url.hostname.toLowerCase();
  return patterns.some((pattern) => {
    const [name = '', port] = pattern.toLowerCase().split(':');
    if (port !== undefined && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
    return name.startsWith('*.')
      ? host.endsWith(name.slice(1)) && host.length > name.length - 1
      : host === name;
  });
}
