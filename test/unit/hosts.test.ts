import { isAllowedHost } from '../../domain/hosts';

const allowed = (url: string, patterns: readonly string[]) => isAllowedHost(new URL(url), patterns);

describe('isAllowedHost', () => {
  test.each<[string, string[], boolean]>([
    // exact host
    ['https://example.com/x', ['example.com'], true],
    ['http://example.com/x', ['example.com'], true],
    ['https://sub.example.com/x', ['example.com'], false],
    ['https://example.org/x', ['example.com'], false],
    ['https://example.com.evil.org/x', ['example.com'], false],
    ['https://notexample.com/x', ['example.com'], false],
    ['https://example.com:8443/x', ['example.com'], true], // no port in the pattern: any port
    // wildcard subdomains
    ['https://sub.example.com/x', ['*.example.com'], true],
    ['https://a.b.example.com/x', ['*.example.com'], true],
    ['https://example.com/x', ['*.example.com'], false],
    ['https://evilexample.com/x', ['*.example.com'], false],
    ['https://example.com.evil.org/x', ['*.example.com'], false],
    ['https://sub.example.com.evil.org/x', ['*.example.com'], false],
    [
      'https://bots-videos.s3.eu-west-3.amazonaws.com/path/video.mp4?X-Amz-Signature=x',
      ['*.amazonaws.com'],
      true,
    ],
    // port-pinned patterns
    ['http://localhost:4010/x', ['localhost:4010'], true],
    ['http://localhost:4011/x', ['localhost:4010'], false],
    ['http://localhost/x', ['localhost:4010'], false],
    ['https://example.com/x', ['example.com:443'], true],
    ['https://example.com:443/x', ['example.com:443'], true],
    ['http://example.com/x', ['example.com:443'], false],
    ['http://example.com/x', ['example.com:80'], true],
    ['https://example.com/x', ['example.com:80'], false],
    ['https://example.com:8443/x', ['example.com:443'], false],
    ['https://sub.example.com:8443/x', ['*.example.com:8443'], true],
    ['https://sub.example.com/x', ['*.example.com:8443'], false],
    ['http://127.0.0.1:4010/x', ['127.0.0.1:4010'], true],
    // case-insensitive
    ['https://SUB.Example.COM/x', ['*.example.com'], true],
    ['https://sub.example.com/x', ['*.EXAMPLE.com'], true],
    ['https://Example.com/x', ['EXAMPLE.COM'], true],
    ['http://LOCALHOST:4010/x', ['LocalHost:4010'], true],
    // several patterns: any one may match
    ['https://webexapis.com/v1', ['*.amazonaws.com', 'webexapis.com'], true],
    ['https://evil.com/v1', ['*.amazonaws.com', 'webexapis.com'], false],
    ['https://example.com/x', [], false],
    // userinfo does not fool the host check
    ['https://example.com@evil.com/x', ['example.com'], false],
    ['https://user:pass@example.com/x', ['example.com'], true],
  ])('%s against %j -> %s', (url, patterns, expected) => {
    expect(allowed(url, patterns)).toBe(expected);
  });

  test.each([
    'ftp://example.com/x',
    'file://example.com/etc/passwd',
    'ws://example.com/x',
    'wss://example.com/x',
    'gopher://example.com/x',
    'data:text/plain,example.com',
    'javascript:alert("example.com")',
  ])('non-http(s) URL %s never matches', (url) => {
    expect(allowed(url, ['example.com', '*.example.com', 'example.com:21'])).toBe(false);
  });
});
