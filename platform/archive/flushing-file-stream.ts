import fsp, { type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Written bytes after which a flush starts in the background. */
const FLUSH_EVERY_BYTES = 32 * 2 ** 20;
/**
 * Bytes buffered before the stream asks its source to wait: the chunks that arrive during one write go out
 * together in the next (`writev`), instead of one 64 KB write per chunk as with the 16 KB default.
 */
const BUFFERED_BYTES = 2 ** 20;

/**
 * A file write stream whose end means durable bytes (`fsync`, as `createWriteStream`'s `flush: true`), flushed
 * as the file grows: every 32 MiB written, an `fdatasync` starts in the background while the writes go on, so
 * the last fsync finds little left to write. The page cache would otherwise hold a whole recording (a GB) for
 * the end, and the writer would wait for all of it at once (BENCHMARKS.md, "Archive").
 */
export class FlushingFileWriteStream extends Writable {
  private file: FileHandle | undefined;
  private unflushed = 0;
  /** The background flush in flight; it never rejects (its error is kept in `flushError`). */
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;

  /** `flags`: `w` (a new file) or `a` (appending to what is there). */
  constructor(
    private readonly path: string,
    private readonly flags: 'w' | 'a' = 'w',
  ) {
    super({ highWaterMark: BUFFERED_BYTES });
  }

  override _construct(callback: (err?: Error | null) => void): void {
    fsp.open(this.path, this.flags).then((file) => {
      this.file = file;
      callback();
    }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    (async () => {
      await this.flushing;
      if (this.flushError) throw this.flushError;
      await this.file!.sync();
    })().then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    (async () => {
      await this.flushing;
      await this.file?.close();
    })().then(
      () => callback(err),
      (closeErr: Error) => callback(err ?? closeErr),
    );
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    if (this.flushError) throw this.flushError;
    let left = buffers;
    while (left.length > 0) {
      // A regular file takes whole writes, but writev may write less: the rest is written again.
      let { bytesWritten } = await this.file!.writev(left);
      if (bytesWritten === 0 && left.some((b) => b.length > 0))
        throw new Error(`nothing written to ${this.path}`);
      this.unflushed += bytesWritten;
      while (left.length > 0 && bytesWritten >= left[0]!.length) bytesWritten -= left.shift()!.length;
      if (bytesWritten > 0) left = [left[0]!.subarray(bytesWritten), ...left.slice(1)];
    }
    if (this.unflushed >= FLUSH_EVERY_BYTES && !this.flushing) {
      this.unflushed = 0;
      this.flushing = this.file!.datasync().then(
        () => void (this.flushing = undefined),
        (err: Error) => {
          this.flushError = err;
          this.flushing = undefined;
        },
      );
    }
  }
}
