// `npm run build`, second step: the workflows bundled once, as the worker would do at every start, into
// dist/workflow-bundle.js (or the file named as the first argument). The worker loads that file when it
// is there (worker/worker.ts), so a production start skips webpack: faster, and less memory.
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { WORKFLOW_BUNDLE_FILE, WORKFLOWS_PATH } from '../worker/worker';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', WORKFLOW_BUNDLE_FILE);

/** Bundles the workflows into `outFile`; returns its size in bytes. */
export async function buildWorkflowBundle(outFile: string = DEFAULT_BUNDLE_PATH): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // webpack's chatter stays out of the build output; its warnings and errors do not.
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  const outFile = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  buildWorkflowBundle(outFile).then(
    (size) => console.log(`workflow bundle: ${path.relative(process.cwd(), outFile)} (${size} bytes)`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
