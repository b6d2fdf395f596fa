// The Temporal server and its SQL schema tool, built from the Go module `go.temporal.io/server` into the
// git-ignored .tools/temporal-server/<version> (reused by every later run), with the PostgreSQL schema files
// copied beside them. The version is the one docker-compose.yml runs (temporalio/server and admin-tools).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const TEMPORAL_SERVER_VERSION = '1.32.2';
// v1.32 needs a newer Go than many machines have: the go command fetches this toolchain from the module proxy.
const GO_TOOLCHAIN = 'go1.27.3';

const ROOT = path.resolve(__dirname, '..', '..');

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12: `temporal` (persistence) and `visibility`, each with `versioned/`. */
  postgresSchemaDir: string;
}

function toolsDir(): string {
  return path.join(ROOT, '.tools', 'temporal-server', `v${TEMPORAL_SERVER_VERSION}`);
}

function paths(dir: string): TemporalServerTools {
  return {
    server: path.join(dir, 'bin', 'server'),
    sqlTool: path.join(dir, 'bin', 'sql'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

const present = (t: TemporalServerTools) =>
  fs.existsSync(t.server) && fs.existsSync(t.sqlTool) && fs.existsSync(t.postgresSchemaDir);

/** The built tools, building them first when missing (minutes: the server is a large Go program). */
export function ensureTemporalServer(log: (line: string) => void): TemporalServerTools {
  const dir = toolsDir();
  const tools = paths(dir);
  if (present(tools)) return tools;
  if (spawnSync('go', ['version']).status !== 0) {
    throw new Error('No Go toolchain on PATH: install Go (1.22 or later) to build the Temporal server.');
  }
  const env = {
    ...process.env,
    GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? GO_TOOLCHAIN,
    GOFLAGS: '-buildvcs=false',
  };
  const module = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
  log(`building the Temporal server v${TEMPORAL_SERVER_VERSION} into ${dir} (a few minutes, once)`);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  execFileSync(
    'go',
    [
      'install',
      `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    ],
    { env: { ...env, GOBIN: path.join(dir, 'bin') }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // The schema files are in the same module, now in the module cache.
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { env, encoding: 'utf8' }).trim();
  const schema = path.join(modCache, module, 'schema', 'postgresql', 'v12');
  fs.cpSync(schema, tools.postgresSchemaDir, { recursive: true });
  // The module cache is read-only; the copies need not be (so that .tools can be cleaned).
  execFileSync('chmod', ['-R', 'u+w', path.join(dir, 'schema')]);
  if (!present(tools)) throw new Error(`the Temporal server build left no ${tools.server}`);
  return tools;
}
