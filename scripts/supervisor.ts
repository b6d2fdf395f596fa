// The process supervisor of `npm start`: runs each part (the Temporal dev server, the worker, the API) as a
// child process with its output prefixed by its name, restarts a part that exits on its own with
// exponential backoff (saying so), and stops everything only when asked (Ctrl-C, SIGTERM).
//
// concurrently, used before, could restart (`restartTries`, `restartDelay: 'exponential'`) but with an
// unbounded delay that never resets, a log line without the exit code or the delay, and no ordered stop;
// this is the small loop over child_process that does what `npm start` needs.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

export interface PartSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Parts stop in waves, lowest first, each wave once the one before has exited: the API and the worker
   * (which needs Temporal during its shutdown grace to report the activities it finishes) before Temporal.
   */
  stopWave: number;
  /** How long the part may take to stop after SIGTERM before it is SIGKILLed. */
  stopTimeoutMs: number;
  /** ANSI colour code of its prefix. */
  color?: number;
}

export interface Backoff {
  /** Delay before the first restart in a row; it doubles with each further one... */
  initialMs: number;
  /** ...up to this. */
  maxMs: number;
  /** A part that ran this long before exiting starts the series again (from initialMs). */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before the `nth` restart in a row (1, 2, ...). */
export function restartDelayMs(nth: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.initialMs * 2 ** Math.max(0, nth - 1), backoff.maxMs);
}

/** A SIGINT this long after the one that began the stop forces it (see Supervisor.stop). */
export const FORCE_AFTER_MS = 1000;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

interface Part {
  spec: PartSpec;
  child?: ChildProcess;
  /** Resolves when `child` has exited. */
  exited?: Promise<void>;
  startedAt: number;
  /** Restarts in a row (reset after a long enough run). */
  restarts: number;
  timer?: NodeJS.Timeout;
}

/** Sends `signal` to a running part's process group (it is its leader: spawned detached), else to it. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGKILLs what is left in the group of a part that has exited (never its pid alone: it may be reused). */
function killLeftovers(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // nothing left
  }
}

export interface SupervisorOptions {
  backoff?: Backoff;
  /** Where the prefixed lines go (default: stdout). */
  out?: NodeJS.WritableStream;
  colors?: boolean;
}

export class Supervisor {
  private readonly parts: Part[];
  private readonly backoff: Backoff;
  private readonly out: NodeJS.WritableStream;
  private readonly colors: boolean;
  private readonly width: number;
  private stopping: Promise<boolean> | undefined;
  private stopRequestedAt = 0;
  private forced = false;

  constructor(specs: readonly PartSpec[], options: SupervisorOptions = {}) {
    this.parts = specs.map((spec) => ({ spec, startedAt: 0, restarts: 0 }));
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.out = options.out ?? process.stdout;
    this.colors = options.colors ?? false;
    this.width = Math.max('start'.length, ...specs.map((s) => s.name.length));
    // Whatever ends this process, it leaves no part behind (after a normal stop there is none left).
    process.once('exit', () => {
      for (const part of this.parts) signalGroup(part.child?.pid, 'SIGKILL');
    });
  }

  start(): void {
    for (const part of this.parts) this.spawn(part);
  }

  /**
   * Stops every part: SIGTERM to each, wave by wave, SIGKILL to a part still running after its stop
   * timeout. Resolves true when every part stopped by itself.
   *
   * Signals come in pairs and storms: under `npm start`, one Ctrl-C reaches this process from the terminal
   * and again from npm, which forwards SIGINT and SIGTERM to its child. So while stopping, another signal
   * changes nothing, except a SIGINT more than FORCE_AFTER_MS after the first (a person pressing Ctrl-C
   * again), which SIGKILLs every part at once.
   */
  stop(signal: NodeJS.Signals): Promise<boolean> {
    if (this.stopping) {
      if (signal === 'SIGINT' && Date.now() - this.stopRequestedAt >= FORCE_AFTER_MS) {
        this.say('Ctrl-C again: killing every part now');
        this.forced = true;
        for (const part of this.parts) signalGroup(part.child?.pid, 'SIGKILL');
      } else {
        this.say(`${signal}: already stopping`);
      }
      return this.stopping;
    }
    this.stopRequestedAt = Date.now();
    const running = this.parts.filter((p) => p.child).map((p) => p.spec.name);
    this.say(`${signal}: stopping ${running.join(', ') || 'nothing'} (Ctrl-C again to force)`);
    for (const part of this.parts) clearTimeout(part.timer);
    this.stopping = (async () => {
      const waves = [...new Set(this.parts.map((p) => p.spec.stopWave))].sort((a, b) => a - b);
      let clean = true;
      for (const wave of waves) {
        const stopped = await Promise.all(
          this.parts.filter((p) => p.spec.stopWave === wave).map((p) => this.terminate(p)),
        );
        clean &&= stopped.every(Boolean);
      }
      return clean && !this.forced;
    })();
    return this.stopping;
  }

  private async terminate(part: Part): Promise<boolean> {
    const { child, exited } = part;
    if (!child || !exited) return true;
    signalGroup(child.pid, 'SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.say(`${part.spec.name} still running ${seconds(part.spec.stopTimeoutMs)} after SIGTERM: SIGKILL`);
      signalGroup(child.pid, 'SIGKILL');
    }, part.spec.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
    return !killed;
  }

  private spawn(part: Part): void {
    const { spec } = part;
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only this supervisor, which stops the parts in
      // order with one SIGTERM each; and a part's own children are stopped with it.
      detached: true,
    });
    part.child = child;
    part.startedAt = Date.now();
    this.lines(spec, child.stdout);
    this.lines(spec, child.stderr);
    part.exited = new Promise((resolve) => {
      let done = false;
      const exited = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (done) return;
        done = true;
        this.exited(part, child, code, signal, error);
        resolve();
      };
      child.once('exit', (code, signal) => exited(code, signal));
      // Could not be started at all (ENOENT, EACCES): no 'exit' follows.
      child.once('error', (err) => {
        if (child.pid === undefined) exited(null, null, err);
      });
    });
    child.once('spawn', () => this.say(`${spec.name} started (pid ${child.pid})`));
  }

  private exited(
    part: Part,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: Error,
  ): void {
    const { name } = part.spec;
    if (part.child === child) part.child = undefined;
    // Anything the part started and left behind goes with it.
    killLeftovers(child.pid);
    const how = error
      ? `could not start (${error.message})`
      : code !== null
        ? `exited with code ${code}`
        : `exited with signal ${signal}`;
    if (this.stopping) {
      this.say(`${name} ${how}`);
      return;
    }
    if (Date.now() - part.startedAt >= this.backoff.resetAfterMs) part.restarts = 0;
    part.restarts += 1;
    const delay = restartDelayMs(part.restarts, this.backoff);
    this.say(`${name} ${how}; restarting in ${seconds(delay)}`);
    part.timer = setTimeout(() => {
      part.timer = undefined;
      if (!this.stopping) this.spawn(part);
    }, delay);
  }

  private prefix(name: string, color: number | undefined): string {
    const label = `[${name}]`.padEnd(this.width + 2);
    return this.colors && color !== undefined ? `\x1b[${color}m${label}\x1b[0m ` : `${label} `;
  }

  private lines(spec: PartSpec, stream: Readable | null): void {
    if (!stream) return;
    const prefix = this.prefix(spec.name, spec.color);
    readline
      .createInterface({ input: stream, crlfDelay: Infinity })
      .on('line', (line) => this.out.write(`${prefix}${line}\n`));
  }

  /** The supervisor's own lines. */
  say(message: string): void {
    this.out.write(`${this.prefix('start', 90)}${message}\n`);
  }
}
