// Issue 15's acceptance test of resumable downloads, on object storage (a real SeaweedFS): the worker process
// SIGKILLed at about 60 % of a 64 MB download, the retry continues the open multipart upload. A partial
// keeps whole 5 MiB parts (S3's minimum part size), so the retry fetches what remained plus at most one part:
// about 45 % here, where the directory archive's bound is 45 % flat (test/helpers/kill-mid-download.ts).
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import { RESUMABLE_PART_BYTES, S3Archive } from '../../platform/archive';
import { killMidDownloadAndResume, SIZE } from '../helpers/kill-mid-download';
import { startStack } from '../helpers/stack';

let seaweed: SeaweedFs;
beforeAll(async () => {
  seaweed = await startSeaweedFs();
});
afterAll(async () => {
  await seaweed?.stop();
});

test('the worker process SIGKILLed at ~60% of a 64 MB download into S3: the retry continues the upload', async () => {
  const bucket = `resume-kill-${randomUUID().slice(0, 8)}`;
  await killMidDownloadAndResume({
    async setUp() {
      const stack = await startStack({
        worker: false,
        archive: new S3Archive({ bucket, prefix: 'archive' }, seaweed.client),
      });
      const { credentials, region, endpoint } = seaweed.clientConfig as {
        credentials: { accessKeyId: string; secretAccessKey: string };
        region: string;
        endpoint: string;
      };
      return {
        stack,
        env: {
          ARCHIVE_URL: `s3://${bucket}/archive`,
          AWS_ENDPOINT_URL_S3: endpoint,
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
      };
    },
    async partials(_stack, botId) {
      const listed = await seaweed.client.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `archive/meetingbaas/${botId}/` }),
      );
      return (listed.Uploads ?? []).length;
    },
    bound: (servedAtKill) => SIZE - servedAtKill + RESUMABLE_PART_BYTES,
  });
}, 180_000);
