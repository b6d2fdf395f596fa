import { matchAllowedHost, parseHostPattern, type HostPattern } from '../../domain/hosts';

function parse(raw: string): HostPattern {
  const pattern = parseHostPattern(raw);
  if (!pattern) throw new Error(`not a pattern: ${raw}`);
  return pattern;
}
const match = (url: string, patterns: readonly string[]) =>
  matchAllowedHost(new URL(url), patterns.map(parse));
const allowed = (url: string, patterns: readonly string[]) => match(url, patterns).allowed;

describe('parseHostPattern', () => {
  test.each<[string, Omit<HostPattern, 'source'>]>([
    ['example.com', { http: false, wildcard: false, host: 'example.com', port: undefined }],
    ['https://example.com', { http: false, wildcard: false, host: 'example.com', port: undefined }],
    ['http://example.com', { http: true, wildcard: false, host: 'example.com', port: undefined }],
    ['*.example.com', { http: false, wildcard: true, host: 'example.com', port: undefined }],
    ['http://*.example.com:8080', { http: true, wildcard: true, host: 'example.com', port: 8080 }],
    ['localhost:4010', { http: false, wildcard: false, host: 'localhost', port: 4010 }],
    ['http://127.0.0.1:4010', { http: true, wildcard: false, host: '127.0.0.1', port: 4010 }],
    ['http://127.1', { http: true, wildcard: false, host: '127.0.0.1', port: undefined }],
    ['http://[0:0::1]:8080', { http: true, wildcard: false, host: '[::1]', port: 8080 }],
    [
      '  HTTP://Files.Example.COM ',
      { http: true, wildcard: false, host: 'files.example.com', port: undefined },
    ],
    [
      'bucket_1.s3.amazonaws.com',
      { http: false, wildcard: false, host: 'bucket_1.s3.amazonaws.com', port: undefined },
    ],
  ])('%s', (raw, expected) => {
    expect(parseHostPattern(raw)).toEqual({ source: raw.trim().toLowerCase(), ...expected });
  });

  test.each([
    '',
    '*',
    '*.',
    '*.*.example.com',
    'ftp://example.com',
    'https://example.com/',
    'https://example.com/path',
    'example.com:',
    'example.com:0',
    'example.com:70000',
    'example.com:80:81',
    'user@example.com',
    'exa mple.com',
    '.example.com',
    'example..com',
    '-example.com',
    'example-.com',
    '*.127.0.0.1',
    '*.[::1]',
    '[::1',
    '[not:an:ip]',
    '1.2.3.4.5',
    'http://',
  ])('%j is not a pattern', (raw) => {
    expect(parseHostPattern(raw)).toBeUndefined();
  });
});

describe('matchAllowedHost', () => {
  test.each<[string, string[], boolean]>([
    // exact host
    ['https://example.com/x', ['example.com'], true],
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
    ['https://localhost:4010/x', ['localhost:4010'], true],
    ['https://localhost:4011/x', ['localhost:4010'], false],
    ['https://localhost/x', ['localhost:4010'], false],
    ['https://example.com/x', ['example.com:443'], true],
    ['https://example.com:443/x', ['example.com:443'], true],
    ['https://example.com:8443/x', ['example.com:443'], false],
    ['https://sub.example.com:8443/x', ['*.example.com:8443'], true],
    ['https://sub.example.com/x', ['*.example.com:8443'], false],
    ['http://example.com/x', ['http://example.com:80'], true],
    ['http://example.com:8080/x', ['http://example.com:80'], false],
    // case-insensitive
    ['https://SUB.Example.COM/x', ['*.example.com'], true],
    ['https://sub.example.com/x', ['*.EXAMPLE.com'], true],
    ['https://Example.com/x', ['EXAMPLE.COM'], true],
    ['http://LOCALHOST:4010/x', ['HTTP://LocalHost:4010'], true],
    // several patterns: any one may match
    ['https://webexapis.com/v1', ['*.amazonaws.com', 'webexapis.com'], true],
    ['https://evil.com/v1', ['*.amazonaws.com', 'webexapis.com'], false],
    ['https://example.com/x', [], false],
    // userinfo does not fool the host check
    ['https://example.com@evil.com/x', ['example.com'], false],
    ['https://user:pass@example.com/x', ['example.com'], true],
    // addresses, in any spelling the URL parser normalizes
    ['http://127.0.0.1:4010/x', ['http://127.0.0.1:4010'], true],
    ['http://2130706433:4010/x', ['http://127.0.0.1:4010'], true],
    ['http://[::1]:4010/x', ['http://[::1]:4010'], true],
    ['http://[::1]:4010/x', ['http://127.0.0.1:4010'], false],
    ['http://[::ffff:127.0.0.1]:4010/x', ['http://127.0.0.1:4010'], false],
  ])('%s against %j -> %s', (url, patterns, expected) => {
    expect(allowed(url, patterns)).toBe(expected);
  });

  describe('scheme: https unless the pattern names http://', () => {
    test.each<[string, string[], boolean]>([
      ['https://example.com/x', ['example.com'], true],
      ['https://example.com/x', ['https://example.com'], true],
      ['https://example.com/x', ['http://example.com'], true], // https is never less safe
      ['http://example.com/x', ['example.com'], false],
      ['http://example.com/x', ['https://example.com'], false],
      ['http://example.com/x', ['http://example.com'], true],
      ['http://example.com/x', ['example.com:80'], false],
      ['http://sub.example.com/x', ['*.example.com'], false],
      ['http://sub.example.com/x', ['http://*.example.com'], true],
      ['http://127.0.0.1:4010/x', ['127.0.0.1:4010'], false],
      ['http://127.0.0.1:4010/x', ['http://127.0.0.1'], true],
      ['http://localhost:4010/x', ['localhost:4010'], false],
    ])('%s against %j -> %s', (url, patterns, expected) => {
      expect(allowed(url, patterns)).toBe(expected);
    });

    test('a listed host refused for its scheme says so', () => {
      expect(match('http://example.com/x', ['example.com'])).toEqual({ allowed: false, reason: 'scheme' });
      expect(match('http://example.com/x', ['other.com'])).toEqual({ allowed: false, reason: 'host' });
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
      expect(allowed(url, ['http://example.com', 'http://*.example.com', 'example.com:21'])).toBe(false);
    });
  });

  describe('literal: a pattern without *. naming the very host', () => {
    test.each<[string, string[], boolean]>([
      ['https://example.com/x', ['example.com'], true],
      ['https://example.com:8443/x', ['example.com:8443'], true],
      ['http://127.0.0.1:4010/x', ['http://127.0.0.1:4010'], true],
      ['http://127.0.0.1:4010/x', ['http://127.0.0.1'], true],
      ['https://sub.example.com/x', ['*.example.com'], false],
      // Any literal pattern matching the URL makes it literal.
      ['https://files.example.com/x', ['*.example.com', 'files.example.com'], true],
      ['https://files.example.com/x', ['files.example.com', '*.example.com'], true],
      // A literal pattern for another scheme or port does not count.
      ['http://files.example.com/x', ['files.example.com', 'http://*.example.com'], false],
      ['https://files.example.com:8443/x', ['files.example.com:443', '*.example.com'], false],
    ])('%s against %j: literal %s', (url, patterns, literal) => {
      expect(match(url, patterns)).toEqual({ allowed: true, literal });
    });
  });
});
