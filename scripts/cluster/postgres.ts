// A throwaway PostgreSQL cluster for Temporal: initdb in a temporary directory, the server on a free loopback
// port (never the machine's own service), removed when stopped. PostgreSQL refuses to run as root: as root it
// runs as the `postgres` system user.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../dev/free-port';
import { waitUntil, stopProcess, type LogSink } from './processes';

const run = promisify(execFile);
const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];
export const PG_USER = 'temporal';
export const PG_PASSWORD = 'temporal';

export interface Postgres {
  port: number;
  stop(): Promise<void>;
}

function binDir(): string {
  const fromEnv = process.env.PG_BIN_DIR;
  const dir = fromEnv ?? BIN_DIRS.find((d) => fs.existsSync(path.join(d, 'initdb')));
  if (!dir)
    throw new Error(`No PostgreSQL server binaries (initdb) in ${BIN_DIRS.join(', ')}; set PG_BIN_DIR.`);
  return dir;
}

/** The uid/gid to run as: ours, or the `postgres` user's when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(log: LogSink): Promise<Postgres> {
  const bin = binDir();
  // Its own temporary directory (the run's is private to us, which the `postgres` user could not enter).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-cluster-pg-'));
  const dataDir = path.join(dir, 'data');
  log.removeAtExit(dir);
  const user = runAs();
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid!);
  // Trust on loopback: a throwaway cluster; Temporal still sends its password.
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-sync'],
    { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      // Two Temporal nodes, four services each, each with its own connection pools.
      '-c',
      'max_connections=400',
      // Throwaway data on a shared machine: durability is not what this run checks.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  log.attach('postgres', child);
  await waitUntil('PostgreSQL', child, async () => {
    await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
    return true;
  });
  return {
    port,
    async stop() {
      await stopProcess(child, 'SIGINT', 15_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
