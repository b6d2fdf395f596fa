// Issue 15's acceptance test of resumable downloads, on the directory archive: the worker process SIGKILLed
// at about 60 % of a 64 MB download; the retry fetches at most 45 % of the bytes again (the simulator counts
// them) and the archived file is byte-identical (test/helpers/kill-mid-download.ts).
import fs from 'node:fs';
import path from 'node:path';
import { killMidDownloadAndResume, SIZE } from '../helpers/kill-mid-download';
import { startStack } from '../helpers/stack';

test('the worker process SIGKILLed at ~60% of a 64 MB download: the retry fetches <= 45% again, byte-identical', async () => {
  await killMidDownloadAndResume({
    async setUp() {
      const stack = await startStack({ worker: false });
      return { stack, env: { ARCHIVE_DIR: stack.archiveDir } };
    },
    partials(stack, botId) {
      const dir = path.join(stack.archiveDir, 'meetingbaas', botId);
      return Promise.resolve(fs.readdirSync(dir).filter((n) => n.endsWith('.partial')).length);
    },
    bound: () => 0.45 * SIZE,
  });
}, 180_000);
