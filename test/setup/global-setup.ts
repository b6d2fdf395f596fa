import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import { testArchiveKind } from '../../dev/test-archive';
import { startEphemeralTemporal } from '../helpers/ephemeral-temporal';

declare global {
  var __TEMPORAL_ENV__: TestWorkflowEnvironment | undefined;
  var __BUNDLE_DIR__: string | undefined;
  var __SEAWEEDFS__: SeaweedFs | undefined;
}

/**
 * One Temporal dev server and one workflow bundle for the run. Both jest projects name a setup (the `s3`
 * project's also starts SeaweedFS) and jest runs each file once, so this runs once whichever comes first.
 */
async function startTemporal(): Promise<void> {
  if (globalThis.__TEMPORAL_ENV__) return;
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

/** The run's S3 server for stacks on TEST_ARCHIVE=s3 (dev/test-archive.ts); its endpoint reaches the workers. */
export async function startRunS3(): Promise<void> {
  if (globalThis.__SEAWEEDFS__) return;
  globalThis.__SEAWEEDFS__ = await startSeaweedFs();
  process.env.TEST_S3_ENDPOINT = globalThis.__SEAWEEDFS__.endpoint;
}

export default async function globalSetup(): Promise<void> {
  await startTemporal();
  // TEST_ARCHIVE=s3 for the whole run: every stack that names no archive of its own archives to S3.
  if (testArchiveKind() === 's3') await startRunS3();
}
