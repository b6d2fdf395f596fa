// The codec session cookie (api/codec-session.ts): what the Temporal UI sends in place of a read token.
import {
  CODEC_SESSION_COOKIE,
  CODEC_SESSION_SECONDS,
  codecSessionScope,
  codecSessionValue,
} from '../../api/codec-session';
import type { ApiToken } from '../../platform/config';

const tokens: ApiToken[] = [
  { scope: 'read', token: 'read-token-0123456789' },
  { scope: 'write', token: 'write-token-0123456789' },
];
const now = Date.parse('2026-01-01T00:00:00Z');
const cookie = (value: string) => `theme=dark; ${CODEC_SESSION_COOKIE}=${value}; other=1`;

test('a session of a listed token reads (even a write token only reads) until it expires', () => {
  const value = codecSessionValue('read-token-0123456789', now);
  expect(codecSessionScope(cookie(value), tokens, now)).toBe('read');
  expect(codecSessionScope(cookie(value), tokens, now + (CODEC_SESSION_SECONDS - 1) * 1000)).toBe('read');
  expect(codecSessionScope(cookie(value), tokens, now + CODEC_SESSION_SECONDS * 1000)).toBeUndefined();
  expect(codecSessionScope(cookie(codecSessionValue('write-token-0123456789', now)), tokens, now)).toBe(
    'read',
  );
});

test('a revoked token, a forged or stretched expiry, a foreign token, no cookie: no session', () => {
  const value = codecSessionValue('read-token-0123456789', now);
  expect(codecSessionScope(cookie(value), [tokens[1]!], now)).toBeUndefined();
  expect(codecSessionScope(cookie(value), undefined, now)).toBeUndefined();
  const [expires, mac] = value.split('.') as [string, string];
  expect(codecSessionScope(cookie(`${Number(expires) + 3600}.${mac}`), tokens, now)).toBeUndefined();
  expect(
    codecSessionScope(cookie(codecSessionValue('not-a-listed-token', now)), tokens, now),
  ).toBeUndefined();
  expect(codecSessionScope(cookie('garbage'), tokens, now)).toBeUndefined();
  expect(codecSessionScope(undefined, tokens, now)).toBeUndefined();
});
