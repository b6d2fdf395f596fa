// Runs a load generator (ingest-*.ts) in its own process and reads the one JSON line it prints.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult } from './stats';

const run = promisify(execFile);

export async function load(
  script: string,
  scriptArgs: string[],
  env: NodeJS.ProcessEnv,
): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, script), ...scriptArgs],
    { maxBuffer: 1 << 20, env: { ...process.env, ...env } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}
