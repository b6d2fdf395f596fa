import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli, HOW_TO_FIX } from '../../scripts/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions';

declare global {
  var __TEMPORAL_ENV__: TestWorkflowEnvironment | undefined;
  var __BUNDLE_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`No Temporal CLI for the tests.${HOW_TO_FIX}`);
  process.env.TEMPORAL_CLI_PATH = cli.path;

  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      ui: false,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'error' },
    },
  });
  globalThis.__TEMPORAL_ENV__ = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-bundle-'));
  const bundlePath = path.join(dir, 'workflows.js');
  fs.writeFileSync(bundlePath, code);
  globalThis.__BUNDLE_DIR__ = dir;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
