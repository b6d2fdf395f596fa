import { Worker } from 'node:worker_threads';

// The sha256 of a large archive write, computed on a thread of its own. Hashing on the thread that moves the
// bytes (undici's body stream, the pipe into the file) adds its whole cost to the transfer: 0.8 to 1.2 s of
// a core per GB on the VMs measured, a quarter of a fast download (BENCHMARKS.md, "Archive"). Here the moving
// thread only copies each chunk into a 1 MiB batch and hands the batch over (transferred, not copied again);
// one worker thread per process hashes every write's batches in order, and hands the buffers back for reuse.

/** A sha256 fed chunk by chunk; `update` answers a promise when the caller should wait (backpressure). */
export interface StreamHash {
  update(chunk: Uint8Array): void | Promise<void>;
  /** The sha256 in hex, once, after the last update. */
  digest(): Promise<string>;
  /** Forgets the hash (the write failed): frees what it holds. */
  abandon(): void;
}

const BATCH_BYTES = 2 ** 20;
/** Batches of one hash handed over and not yet hashed before `update` waits: bounds the memory. */
const MAX_IN_FLIGHT = 4;
/** Buffers kept for reuse once hashed. */
const POOL_SIZE = 8;

// Plain CommonJS run with `eval`: the same under tsx, ts-jest and the compiled build (no file to resolve).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash('sha256')));
    hash.update(new Uint8Array(m.buffer, 0, m.length));
    parentPort.postMessage({ op: 'hashed', id: m.id, buffer: m.buffer }, [m.buffer]);
  } else if (m.op === 'digest') {
    const hash = hashes.get(m.id) ?? createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: hash.digest('hex') });
  } else if (m.op === 'drop') {
    hashes.delete(m.id);
  }
});
`;

type FromWorker =
  { op: 'hashed'; id: number; buffer: ArrayBuffer } | { op: 'digest'; id: number; hex: string };

interface Waiting {
  resolve: () => void;
  reject: (err: Error) => void;
}

class ThreadHash implements StreamHash {
  private batch: Buffer | undefined;
  private filled = 0;
  inFlight = 0;
  /** The update waiting for a batch to come back, if any. */
  waiting: Waiting | undefined;
  digestWaiting: { resolve: (hex: string) => void; reject: (err: Error) => void } | undefined;
  failed: Error | undefined;

  constructor(
    private readonly thread: HashThread,
    readonly id: number,
  ) {}

  update(chunk: Uint8Array): void | Promise<void> {
    if (this.failed) throw this.failed;
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= this.thread.buffer();
      const n = Math.min(chunk.length - offset, BATCH_BYTES - this.filled);
      this.batch.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === BATCH_BYTES) this.send();
    }
    if (this.inFlight < MAX_IN_FLIGHT) return;
    return this.thread.held(new Promise((resolve, reject) => (this.waiting = { resolve, reject })));
  }

  digest(): Promise<string> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.filled > 0) this.send();
    return this.thread.held(
      new Promise((resolve, reject) => {
        this.digestWaiting = { resolve, reject };
        this.thread.post({ op: 'digest', id: this.id });
      }),
    );
  }

  abandon(): void {
    if (this.failed || !this.thread.sessions.has(this.id)) return;
    this.thread.post({ op: 'drop', id: this.id });
    this.thread.end(this);
  }

  private send(): void {
    const buffer = this.batch!.buffer as ArrayBuffer;
    this.inFlight++;
    this.thread.post({ op: 'update', id: this.id, buffer, length: this.filled }, [buffer]);
    this.batch = undefined;
    this.filled = 0;
  }

  fail(err: Error): void {
    this.failed = err;
    this.waiting?.reject(err);
    this.digestWaiting?.reject(err);
    this.waiting = this.digestWaiting = undefined;
  }
}

/** The process's hashing thread: started at the first large write, referenced only while waited for. */
class HashThread {
  private worker: Worker | undefined;
  readonly sessions = new Map<number, ThreadHash>();
  private pool: Buffer[] = [];
  private nextId = 1;

  /** Answers waited for: the thread keeps the process alive only while there are some. */
  private waits = 0;

  open(): ThreadHash {
    const session = new ThreadHash(this, this.nextId++);
    this.sessions.set(session.id, session);
    return session;
  }

  end(session: ThreadHash): void {
    this.sessions.delete(session.id);
  }

  /** `answer`, with the thread referenced until it settles (a write that is never digested holds nothing). */
  held<T>(answer: Promise<T>): Promise<T> {
    if (this.waits++ === 0) this.start().ref();
    const release = () => {
      if (--this.waits === 0) this.worker?.unref();
    };
    answer.then(release, release);
    return answer;
  }

  buffer(): Buffer {
    return this.pool.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
  }

  post(message: object, transfer?: ArrayBuffer[]): void {
    this.start().postMessage(message, transfer);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // No execArgv: the process's own (`--import tsx`, say) would load into the thread for nothing.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.on('message', (m: FromWorker) => this.receive(m));
    // A thread that dies fails the writes it was hashing (they are retried); the next write starts another.
    const died = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const sessions = [...this.sessions.values()];
      this.sessions.clear();
      for (const s of sessions)
        s.fail(new Error(`the sha256 thread stopped: ${err.message}`, { cause: err }));
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    // After the listeners (adding one refs the thread again).
    if (this.waits === 0) worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(m: FromWorker): void {
    const session = this.sessions.get(m.id);
    if (m.op === 'hashed') {
      if (this.pool.length < POOL_SIZE) this.pool.push(Buffer.from(m.buffer));
      if (!session) return;
      session.inFlight--;
      const waiting = session.waiting;
      session.waiting = undefined;
      waiting?.resolve();
    } else if (session) {
      this.end(session);
      session.digestWaiting?.resolve(m.hex);
      session.digestWaiting = undefined;
    }
  }
}

const thread = new HashThread();

/** A sha256 hashed on the process's hashing thread (for large writes: a thread's message costs a little). */
export function threadHash(): StreamHash {
  return thread.open();
}
