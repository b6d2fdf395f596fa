// The processes as an operator starts them: a bad configuration stops them with one message naming
// every problem, and a non-zero exit.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

test.each(['api/main.ts', 'worker/main.ts'])(
  '%s refuses a bad configuration, naming every problem',
  (entry) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        PORT: 'not-a-port',
        MEETINGBAAS_API_URL: 'nope',
        MEETINGBAAS_WEBHOOK_SECRET: 'plain-secret-value',
        DOWNLOAD_ALLOWED_HOSTS: 'evil host/with/slashes',
      },
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Invalid configuration/);
    for (const name of [
      'PORT',
      'MEETINGBAAS_API_URL',
      'MEETINGBAAS_WEBHOOK_SECRET',
      'DOWNLOAD_ALLOWED_HOSTS',
    ]) {
      expect(res.stderr).toContain(name);
    }
    expect(res.stderr).not.toContain('plain-secret-value');
  },
);
