// Recorded histories whose payloads are encrypted (test/histories/encrypted/, recorded with the test-only key
// beside them by npm run record-histories) replayed against today's workflow code with that key: running
// meetings of a service with PAYLOAD_ENCRYPTION_KEYS are guarded against non-determinism too.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { dataConverterFor } from '../contract/data-converter';
import { parseEncryptionKeys } from '../contract/encryption-keys';
import { quietRuntime } from './helpers/stack';

const DIR = path.join(__dirname, 'histories', 'encrypted');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'test-key.json');
const { PAYLOAD_ENCRYPTION_KEYS } = JSON.parse(fs.readFileSync(path.join(DIR, 'test-key.json'), 'utf8')) as {
  PAYLOAD_ENCRYPTION_KEYS: string;
};
const keys = parseEncryptionKeys(PAYLOAD_ENCRYPTION_KEYS)!;
const historyOf = (file: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
const replay = (file: string, dataConverter = dataConverterFor(keys)) =>
  Worker.runReplayHistory(
    {
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE_ENCRYPTED! },
      dataConverter,
      replayName: file,
    },
    historyOf(file),
  );

test('there are encrypted histories, and they hold ciphertext only', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const file of files) {
    const events = historyOf(file).events ?? [];
    const started = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(started.metadata!.encoding!).toString()).toBe('binary/encrypted');
  }
});

test.each(files)('%s replays without non-determinism, with the test key', async (file) => {
  quietRuntime();
  await replay(file);
});

test('without the key, the replay fails on the first payload instead of running on garbage', async () => {
  quietRuntime();
  const otherKey = { id: 'some-other-key', key: Buffer.alloc(32, 7) };
  // (The worker logs the UnknownEncryptionKeyError naming history-test-key; the replay fails its task.)
  await expect(replay(files[0]!, dataConverterFor([otherKey]))).rejects.toThrow(/workflow task failure/);
});
