import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEphemeralTemporal } from '../helpers/ephemeral-temporal';

declare global {
  var __TEMPORAL_ENV__: TestWorkflowEnvironment | undefined;
  var __BUNDLE_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const { env, cliPath, uiUrl } = await startEphemeralTemporal();
  process.env.TEMPORAL_CLI_PATH = cliPath;
  globalThis.__TEMPORAL_ENV__ = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;
  // The dev server's web UI, for the browser test (test/integration/temporal-ui.test.ts).
  process.env.TEMPORAL_TEST_UI_URL = uiUrl;

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
