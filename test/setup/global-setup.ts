import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
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

  // Two bundles (a few seconds each): plain, and with the failure converter for stacks with encryption keys.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-bundle-'));
  globalThis.__BUNDLE_DIR__ = dir;
  process.env.TEST_WORKFLOW_BUNDLE = path.join(dir, 'workflows.js');
  process.env.TEST_WORKFLOW_BUNDLE_ENCRYPTED = path.join(dir, 'workflows-encrypted.js');
  await buildWorkflowBundle(process.env.TEST_WORKFLOW_BUNDLE);
  await buildWorkflowBundle(process.env.TEST_WORKFLOW_BUNDLE_ENCRYPTED, { encrypted: true });
}
