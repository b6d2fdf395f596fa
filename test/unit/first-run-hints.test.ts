import { firstRunHint } from '../../platform/first-run-hints';

const token = [{ scope: 'read' as const, token: 'r'.repeat(20) }];

describe('the hint npm start prints once for a newcomer', () => {
  test.each([
    ['nothing configured', {}, ['No provider is configured', 'API_TOKENS is not set', 'npm run demo']],
    ['a provider but no tokens', { MEETINGBAAS_API_KEY: 'k' }, ['API_TOKENS is not set', 'npm run demo']],
    ['tokens but no provider', { API_TOKENS: token }, ['No provider is configured', 'npm run demo']],
  ])('%s', (_name, config, says) => {
    const hint = firstRunHint(config);
    for (const s of says) expect(hint).toContain(s);
  });

  test('says nothing once a provider and the tokens are set', () => {
    expect(firstRunHint({ WEBEX_WEBHOOK_SECRET: 's', API_TOKENS: token })).toBeUndefined();
    expect(firstRunHint({ MEETINGBAAS_API_KEY: 'k', API_TOKENS: token })).toBeUndefined();
  });

  test('a provider named alone is not reported missing', () => {
    expect(firstRunHint({ WEBEX_WEBHOOK_SECRET: 's' })).not.toContain('No provider');
  });
});
