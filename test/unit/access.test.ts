// The access table and the API_TOKENS setting (the HTTP behaviour is in test/integration/access.test.ts).
import { accessOf, scopeOf } from '../../api/access';
import { ConfigError, parseConfig } from '../../platform/config';

describe('accessOf: the credential a request needs', () => {
  test.each([
    ['GET', '/healthz', 'open'],
    ['GET', '/readyz', 'open'],
    ['GET', '/openapi.json', 'open'],
    ['HEAD', '/healthz', 'open'],
    ['POST', '/healthz', 'write'],
    ['POST', '/webhooks/meetingbaas', 'provider'],
    ['POST', '/webhooks/webex', 'provider'],
    ['GET', '/metrics', 'read'],
    ['GET', '/meetings', 'read'],
    ['GET', '/meetings/meetingbaas/abc', 'read'],
    ['GET', '/meetings/{provider}/{externalId}/recording', 'read'],
    ['POST', '/codec/decode', 'read'],
    ['POST', '/codec/encode', 'read'],
    ['POST', '/meetings/meetingbaas/abc/recording-url', 'write'],
    ['DELETE', '/meetings/webex/abc/data', 'write'],
    ['POST', '/bots', 'write'],
    ['delete', '/bots/abc', 'write'],
    ['GET', '/anything/else', 'read'],
    ['PUT', '/anything/else', 'write'],
  ])('%s %s: %s', (method, path, access) => {
    expect(accessOf(method, path)).toBe(access);
  });
});

describe('scopeOf', () => {
  const tokens = [
    { scope: 'read', token: 'reader-token-0123456789' },
    { scope: 'write', token: 'writer-token-0123456789' },
    { scope: 'read', token: 'writer-token-0123456789' },
  ] as const;

  test('the scope of a configured token, the widest when listed twice', () => {
    expect(scopeOf('reader-token-0123456789', tokens)).toBe('read');
    expect(scopeOf('writer-token-0123456789', tokens)).toBe('write');
  });

  test.each(['', 'reader-token-012345678', 'reader-token-01234567890', 'READER-TOKEN-0123456789'])(
    'no scope for %p',
    (given) => {
      expect(scopeOf(given, tokens)).toBeUndefined();
    },
  );
});

describe('API_TOKENS and PUBLIC_URL', () => {
  test('comma-separated scope:token entries, spaces and empty entries ignored', () => {
    const config = parseConfig({
      API_TOKENS: ' read:r3ad-token-0123456789abcdef , write:wr1te_token.0123456789+/=,',
      PUBLIC_URL: 'https://meetings.example.com',
    });
    expect(config.API_TOKENS).toEqual([
      { scope: 'read', token: 'r3ad-token-0123456789abcdef' },
      { scope: 'write', token: 'wr1te_token.0123456789+/=' },
    ]);
    expect(config.PUBLIC_URL).toBe('https://meetings.example.com');
  });

  test('unset: no tokens', () => {
    expect(parseConfig({}).API_TOKENS).toBeUndefined();
  });

  test.each([
    ['no scope', 'r3ad-token-0123456789abcdef'],
    ['an unknown scope', 'admin:r3ad-token-0123456789abcdef'],
    ['a short token', 'read:short'],
    ['a token with a space', 'read:r3ad token 0123456789abcdef'],
    ['only commas', ','],
  ])('%s is refused, without repeating the value', (_what, value) => {
    let error: unknown;
    try {
      parseConfig({ API_TOKENS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/API_TOKENS/);
    if (value.length > 3) expect((error as Error).message).not.toContain(value);
  });

  test('PUBLIC_URL must be an http(s) URL', () => {
    expect(() => parseConfig({ PUBLIC_URL: 'ftp://meetings.example.com' })).toThrow(/PUBLIC_URL/);
  });
});
