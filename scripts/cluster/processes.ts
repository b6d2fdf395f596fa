// Child processes of the cluster run: each one's output goes to its own log file in the run's directory
// (named in any error, kept after a failure), every child is remembered so that all of them are stopped at
// the end, on a failure and on Ctrl-C.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export class LogSink {
  private readonly children = new Set<ChildProcess>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  file(name: string): string {
    return path.join(this.dir, `${name}.log`);
  }

  /** Appends the child's stdout and stderr to `<name>.log` and tracks it for stopAll(). */
  attach(name: string, child: ChildProcess): void {
    const out = fs.createWriteStream(this.file(name), { flags: 'a' });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    this.children.add(child);
    child.once('exit', () => {
      this.children.delete(child);
      // Streams may still hold buffered output: end the file after they drained.
      setImmediate(() => out.end());
    });
  }

  /** The last lines a process logged, for an error message. */
  tail(name: string, lines = 20): string {
    try {
      return fs.readFileSync(this.file(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Every child still running: SIGTERM, SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.children].map((c) => stopProcess(c, 'SIGTERM', graceMs)));
  }

  private readonly dirs: string[] = [];

  /** A temporary directory removed by killAll() if nothing removed it before. */
  removeAtExit(dir: string): void {
    this.dirs.push(dir);
  }

  /** Synchronous last resort (process exit): SIGKILL whatever is left, remove the temporary directories. */
  killAll(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const dir of this.dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!running(child)) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Polls `check` until it holds; fails early when `child` exits, or after `timeoutMs`. */
export async function waitUntil(
  what: string,
  child: ChildProcess | undefined,
  check: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (child && !running(child)) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})`);
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
