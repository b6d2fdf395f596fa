// `npm run build`, second step: the workflows bundled once, as the worker would do at every start, into
// dist/workflow-bundle.js and, for encrypted payloads, dist/workflow-bundle-encrypted.js (the same workflows
// with the failure converter that encodes failure messages). The worker loads the one it needs when it is
// there (worker/worker.ts), so a production start skips webpack: faster, and less memory.
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { FAILURE_CONVERTER_PATH } from '../contract/data-converter';
import { ENCRYPTED_WORKFLOW_BUNDLE_FILE, WORKFLOW_BUNDLE_FILE, WORKFLOWS_PATH } from '../worker/worker';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', WORKFLOW_BUNDLE_FILE);
export const DEFAULT_ENCRYPTED_BUNDLE_PATH = path.resolve(
  __dirname,
  '..',
  'dist',
  ENCRYPTED_WORKFLOW_BUNDLE_FILE,
);

/**
 * Bundles the workflows into `outFile` (with the failure converter of encrypted payloads when `encrypted`);
 * returns its size in bytes.
 */
export async function buildWorkflowBundle(
  outFile: string = DEFAULT_BUNDLE_PATH,
  { encrypted = false }: { encrypted?: boolean } = {},
): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...(encrypted ? { failureConverterPath: FAILURE_CONVERTER_PATH } : {}),
    // webpack's chatter stays out of the build output; its warnings and errors do not.
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  // Written whole or not at all: test processes may build the same file at once.
  const partial = `${outFile}.${process.pid}.partial`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, outFile);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  // Arguments: where the plain bundle goes, and where the encrypted one goes (defaults: dist/).
  const plainFile = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  const encryptedFile = path.resolve(process.argv[3] ?? DEFAULT_ENCRYPTED_BUNDLE_PATH);
  (async () => {
    for (const [file, encrypted] of [
      [plainFile, false],
      [encryptedFile, true],
    ] as const) {
      const size = await buildWorkflowBundle(file, { encrypted });
      console.log(`workflow bundle: ${path.relative(process.cwd(), file)} (${size} bytes)`);
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
