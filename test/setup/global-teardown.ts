import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__SEAWEEDFS__?.stop();
  await globalThis.__TEMPORAL_ENV__?.teardown();
  if (globalThis.__BUNDLE_DIR__) fs.rmSync(globalThis.__BUNDLE_DIR__, { recursive: true, force: true });
}
