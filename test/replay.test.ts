// Recorded histories of real meetings (npm run record-histories) replayed against today's workflow code:
// a change that would make running meetings non-deterministic fails here, not in production.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { quietRuntime } from './helpers/stack';

const DIR = path.join(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(6);
});

test.each(files)('%s replays without non-determinism', async (file) => {
  quietRuntime();
  const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! }, replayName: file },
    history,
  );
});
