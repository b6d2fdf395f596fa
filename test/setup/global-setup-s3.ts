// The `s3` jest project's setup: the suite's (Temporal, the bundle) and the S3 server its stacks archive to.
import globalSetup, { startRunS3 } from './global-setup';

export default async function globalSetupS3(): Promise<void> {
  await globalSetup();
  await startRunS3();
}
