// On a Temporal that lacks the design's search attributes (an external cluster), the worker registers
// them; on one that has them, it leaves them be.
import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import pino from 'pino';
import { ensureSearchAttributes } from '../../platform/temporal';
import { freePort } from '../helpers/dev-server';
import { eventually } from '../helpers/stack';

const log = pino({ level: 'silent' });

test('missing search attributes are registered, and registering again is a no-op', async () => {
  const port = await freePort();
  // A bare dev server: no --search-attribute flags.
  const proc = spawn(
    process.env.TEMPORAL_CLI_PATH!,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)],
    {
      stdio: 'ignore',
    },
  );
  try {
    const connection = await eventually(
      () => Connection.connect({ address: `127.0.0.1:${port}` }),
      Boolean,
      60_000,
    );
    const custom = async () =>
      Object.keys(
        (await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ??
          {},
      );
    expect(await custom()).not.toContain('MeetingStatus');

    await ensureSearchAttributes(connection.operatorService, 'default', log);
    expect(await custom()).toEqual(
      expect.arrayContaining(['MeetingProvider', 'MeetingStatus', 'MeetingEndedAt']),
    );

    await expect(ensureSearchAttributes(connection.operatorService, 'default', log)).resolves.toBeUndefined();
    await connection.close();
  } finally {
    proc.kill('SIGTERM');
  }
}, 90_000);
