import { ConfigError, parseConfig } from '../../platform/config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`expected a ConfigError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  test('defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.ARCHIVE_DIR).toBe('./data/archive');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('meetings');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.MEETINGBAAS_API_URL).toBe('https://api.meetingbaas.com');
    expect(config.DOWNLOAD_ALLOWED_HOSTS).toEqual([
      '*.amazonaws.com',
      '*.meetingbaas.com',
      '*.webex.com',
      '*.wbx2.com',
    ]);
    expect(config.WEBHOOK_BODY_LIMIT).toBe(64 * 1024 * 1024);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.MEETINGBAAS_API_KEY).toBeUndefined();
    expect(config.MEETINGBAAS_WEBHOOK_SECRET).toBeUndefined();
  });

  test('empty strings are treated as unset', () => {
    const config = parseConfig({
      PORT: '',
      ARCHIVE_DIR: '',
      TEMPORAL_TASK_QUEUE: '',
      TEMPORAL_ADDRESS: '',
      MEETINGBAAS_API_URL: '',
      MEETINGBAAS_API_KEY: '',
      MEETINGBAAS_WEBHOOK_SECRET: '',
      DOWNLOAD_ALLOWED_HOSTS: '',
      WEBHOOK_BODY_LIMIT: '',
      LOG_LEVEL: '',
    });
    expect(config).toEqual(parseConfig({}));
  });

  test('given values are read and converted', () => {
    const config = parseConfig({
      PORT: '8080',
      ARCHIVE_DIR: '/srv/archive',
      TEMPORAL_TASK_QUEUE: 'meetings-eu',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      MEETINGBAAS_API_URL: 'http://localhost:4010',
      MEETINGBAAS_WEBHOOK_SECRET: 'whsec_abc',
      DOWNLOAD_ALLOWED_HOSTS: ' Files.Example.com , *.cdn.example.net,localhost:4010, HTTP://127.0.0.1:4010,',
      WEBHOOK_BODY_LIMIT: '1mb',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      ARCHIVE_DIR: '/srv/archive',
      TEMPORAL_TASK_QUEUE: 'meetings-eu',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      MEETINGBAAS_API_URL: 'http://localhost:4010',
      MEETINGBAAS_WEBHOOK_SECRET: 'whsec_abc',
      DOWNLOAD_ALLOWED_HOSTS: [
        'files.example.com',
        '*.cdn.example.net',
        'localhost:4010',
        'http://127.0.0.1:4010',
      ],
      WEBHOOK_BODY_LIMIT: 1024 * 1024,
    });
  });

  test('variables it does not know are ignored', () => {
    expect(() => parseConfig({ PATH: '/usr/bin', HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  test('several bad values: one ConfigError naming every one of them', () => {
    const bad = {
      PORT: 'abc',
      MEETINGBAAS_WEBHOOK_SECRET: 'nope',
      MEETINGBAAS_API_URL: 'not-a-url',
      WEBHOOK_BODY_LIMIT: 'lots',
    };
    expect(() => parseConfig(bad)).toThrow(ConfigError);
    const err = configError(bad);
    for (const name of Object.keys(bad)) expect(err.message).toContain(name);
    // Valid settings are not blamed.
    expect(err.message).not.toContain('ARCHIVE_DIR');
    expect(err.message).not.toContain('TEMPORAL_TASK_QUEUE');
  });

  test.each<[string, NodeJS.ProcessEnv]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['MEETINGBAAS_WEBHOOK_SECRET', { MEETINGBAAS_WEBHOOK_SECRET: 'nope' }],
    ['MEETINGBAAS_API_URL', { MEETINGBAAS_API_URL: 'not-a-url' }],
    ['WEBHOOK_BODY_LIMIT', { WEBHOOK_BODY_LIMIT: 'lots' }],
    ['WEBHOOK_BODY_LIMIT', { WEBHOOK_BODY_LIMIT: '0' }],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'temporal.internal' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DOWNLOAD_ALLOWED_HOSTS', { DOWNLOAD_ALLOWED_HOSTS: 'https://example.com/' }],
    ['DOWNLOAD_ALLOWED_HOSTS', { DOWNLOAD_ALLOWED_HOSTS: 'ftp://example.com' }],
    ['DOWNLOAD_ALLOWED_HOSTS', { DOWNLOAD_ALLOWED_HOSTS: 'example.com,*.127.0.0.1' }],
    ['DOWNLOAD_ALLOWED_HOSTS', { DOWNLOAD_ALLOWED_HOSTS: 'example.com:70000' }],
    ['DOWNLOAD_ALLOWED_HOSTS', { DOWNLOAD_ALLOWED_HOSTS: ' , ' }],
    ['MEETING_LINGER_SECONDS', { MEETING_LINGER_SECONDS: 'forever' }],
    ['WEBEX_AUTO_RECORD', { WEBEX_AUTO_RECORD: 'sometimes' }],
    ['WEBEX_ASSET_DEADLINE_SECONDS', { WEBEX_ASSET_DEADLINE_SECONDS: '0' }],
    ['WEBEX_CLIENT_SECRET', { WEBEX_CLIENT_ID: 'id', WEBEX_REFRESH_TOKEN: 'r' }],
  ])('a bad %s is named in the error', (name, env) => {
    const err = configError(env);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(name);
  });

  test('a bad DOWNLOAD_ALLOWED_HOSTS pattern: the error shows what patterns look like, http:// included', () => {
    const err = configError({ DOWNLOAD_ALLOWED_HOSTS: 'example.com,example.com/path' });
    expect(err.message).toContain('DOWNLOAD_ALLOWED_HOSTS');
    expect(err.message).toContain('http://127.0.0.1:4010');
  });

  test('Webex: auto-record is a flag, off by default; the OAuth settings come together or not at all', () => {
    expect(parseConfig({}).WEBEX_AUTO_RECORD).toBe(false);
    expect(parseConfig({ WEBEX_AUTO_RECORD: 'true' }).WEBEX_AUTO_RECORD).toBe(true);
    expect(parseConfig({ WEBEX_AUTO_RECORD: '0' }).WEBEX_AUTO_RECORD).toBe(false);
    const oauth = { WEBEX_CLIENT_ID: 'id', WEBEX_CLIENT_SECRET: 's3cret', WEBEX_REFRESH_TOKEN: 'r' };
    expect(parseConfig(oauth)).toMatchObject(oauth);
    const err = configError({ WEBEX_CLIENT_ID: 'id', WEBEX_CLIENT_SECRET: 's3cret' });
    expect(err.message).toContain('WEBEX_REFRESH_TOKEN');
    expect(err.message).not.toContain('s3cret');
  });
});
