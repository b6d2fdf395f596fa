import { spawn, type ChildProcess } from 'node:child_process';
import { devServerArgs, type DevServerOptions } from '../../platform/dev-server';

export { freePort } from '../../dev/free-port';

/** A dev server of the test's own (which it may stop and start again), from the same CLI as the suite. */
export class OwnDevServer {
  private proc: ChildProcess | undefined;
  private stderrTail = '';
  /** Set when the server exited without being stopped: its exit code and the end of its stderr. */
  exitedEarly: string | undefined;
  constructor(private readonly options: Omit<DevServerOptions, 'ip'>) {}

  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  start(): void {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH not set by the global setup');
    const proc = spawn(cli, devServerArgs({ ...this.options, ip: '127.0.0.1' }), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.exitedEarly = undefined;
    proc.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    proc.once('exit', (code, signal) => {
      if (this.proc === proc) this.exitedEarly = `exit ${code ?? signal}: ${this.stderrTail}`;
    });
    this.proc = proc;
  }

  /** SIGKILL: a crash, nothing flushed on the way out. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    this.proc = undefined;
    proc.kill(signal);
    await exited;
  }
}
