import { createHash, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ArchiveRef } from '../../domain/archive-ref';
import { keySegments, type Archive, type ArchiveSource, type PutOptions, type ServedCopy } from './archive';
import { FilePartialWrite, PARTIAL_ID, partialPathOf } from './file-partial';
import { FlushingFileWriteStream } from './flushing-file-stream';
import { measuringStream } from './measure';
import type { PartialWrite, ResumableArchive } from './resumable';

const PARTIAL_SUFFIX = '.partial';
/** Where checkWritable writes its probe files (hidden: archive keys start with a letter or digit). */
const PROBE_DIR = '.probes';
const PARTIAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.partial$/;

/**
 * The archive on a local (or mounted) file system: `ARCHIVE_DIR/<key>`, referenced by file:// URIs.
 * Every write is atomic: bytes go to a hidden `.partial` sibling that is renamed into place once complete
 * and flushed, so a reader never sees half a file and a crash leaves at most a partial that the next write
 * of the same key removes.
 */
export class FileArchive implements Archive, ResumableArchive {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get location(): string {
    return this.root;
  }

  pathOf(key: string): string {
    return path.join(this.root, ...keySegments(key));
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /** The file behind a URI this archive handed out; refuses anything outside the archive. */
  fileOf(uri: string): string {
    let file: string | undefined;
    try {
      file = path.resolve(fileURLToPath(uri));
    } catch {
      // Not a file: URL (an s3:// one, say): not this archive's either.
    }
    if (!file?.startsWith(this.root + path.sep)) throw new Error(`not in this archive: ${uri}`);
    return file;
  }

  async putStream(key: string, source: ArchiveSource, options: PutOptions = {}): Promise<ArchiveRef> {
    const target = this.pathOf(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await this.removePartials(target);
    return this.write(target, source, options);
  }

  /** Writes `target` through a partial file of its own, renamed into place once complete. */
  private async write(target: string, source: ArchiveSource, options: PutOptions): Promise<ArchiveRef> {
    const dir = path.dirname(target);
    const partial = path.join(dir, `.${path.basename(target)}.${randomUUID()}${PARTIAL_SUFFIX}`);
    // A stream of another length than expected fails in the pipeline, so it is never renamed into place.
    const measure = measuringStream(options);
    try {
      // The stream ends with an fsync, so the rename below publishes durable bytes.
      await pipeline(source, measure.stream, new FlushingFileWriteStream(partial));
      await fsp.rename(partial, target);
    } catch (err) {
      measure.abandon();
      await fsp.rm(partial, { force: true });
      throw err;
    }
    return { uri: pathToFileURL(target).href, bytes: measure.bytes, sha256: await measure.digest() };
  }

  async putBytes(key: string, data: Uint8Array | string): Promise<ArchiveRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return this.putStream(key, Readable.from([bytes]), { expectedBytes: bytes.byteLength });
  }

  async putJson(key: string, value: unknown): Promise<ArchiveRef> {
    return this.putBytes(key, JSON.stringify(value));
  }

  /**
   * Stores `data` under `<prefix>/<sha256><ext>`: the same bytes stored twice are one file (a webhook
   * delivered twice is archived once).
   */
  async putContentAddressed(prefix: string, data: Uint8Array, ext: string): Promise<ArchiveRef> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = `${prefix}/${sha256}${ext}`;
    const target = this.pathOf(key);
    const stored = (await fsp.stat(target).catch(() => undefined))?.size === data.byteLength;
    if (stored) return { uri: this.uriOf(key), bytes: data.byteLength, sha256 };
    // Two deliveries of the same body at once write the same key: each through a partial of its own, none
    // removing the other's (as putStream's cleanup of a dead attempt would), the last rename wins with the
    // same bytes.
    await fsp.mkdir(path.dirname(target), { recursive: true });
    return this.write(target, Readable.from([data]), { expectedBytes: data.byteLength });
  }

  async read(ref: Pick<ArchiveRef, 'uri'>): Promise<Buffer> {
    return fsp.readFile(this.fileOf(ref.uri));
  }

  /**
   * Readiness: creates the archive's root if needed, writes, flushes and removes a probe file under
   * `<root>/.probes/` (no archive key starts with a dot, so probes never meet archived objects). Throws an
   * error naming the directory and the cause (ENOTDIR, EACCES, EROFS, ENOSPC...) when it cannot.
   */
  async checkWritable(): Promise<void> {
    const dir = path.join(this.root, PROBE_DIR);
    const probe = path.join(dir, `${process.pid}-${randomUUID()}`);
    try {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(probe, 'probe', { flush: true });
      await fsp.rm(probe);
    } catch (err) {
      await fsp.rm(probe, { force: true }).catch(() => undefined);
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`the archive ${this.root} is not writable: ${why}`, { cause: err });
    }
  }

  /** The file itself: the API serves it (a directory archive has no URL of its own to hand out). */
  async servedCopy(ref: Pick<ArchiveRef, 'uri'>): Promise<ServedCopy> {
    const file = this.fileOf(ref.uri);
    await fsp.access(file);
    return { kind: 'file', path: file };
  }

  async has(key: string): Promise<boolean> {
    return (await fsp.stat(this.pathOf(key)).catch(() => undefined))?.isFile() ?? false;
  }

  async deleteUnder(prefix: string): Promise<number> {
    const dir = this.pathOf(prefix);
    const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    });
    const files = entries.filter((e) => e.isFile()).length;
    await fsp.rm(dir, { recursive: true, force: true });
    return files;
  }

  async delete(ref: Pick<ArchiveRef, 'uri'>): Promise<void> {
    await fsp.rm(this.fileOf(ref.uri), { force: true });
  }

  /** A resumable write of `key` (file-partial.ts): an empty hidden partial, other partials of the key gone. */
  async startPartial(key: string): Promise<PartialWrite> {
    const target = this.pathOf(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await this.removePartials(target);
    const id = randomUUID();
    await fsp.writeFile(partialPathOf(target, id), '');
    return new FilePartialWrite(target, id, 0, this.uriOf(key));
  }

  /** The partial file `handle` names and its length (what a dead attempt wrote), if it is still there. */
  async findPartial(key: string, handle: string): Promise<PartialWrite | undefined> {
    if (!PARTIAL_ID.test(handle)) return undefined;
    const target = this.pathOf(key);
    const stat = await fsp.stat(partialPathOf(target, handle)).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    await this.removePartials(target, `${handle}${PARTIAL_SUFFIX}`);
    return new FilePartialWrite(target, handle, stat.size, this.uriOf(key));
  }

  /** Partials of `target` left by an earlier attempt that died (a killed worker, a full disk), but `keep`. */
  private async removePartials(target: string, keep?: string): Promise<void> {
    const dir = path.dirname(target);
    const prefix = `.${path.basename(target)}.`;
    // Exactly `.<name>.<uuid>.partial`: `.<name>.json.<uuid>.partial` belongs to another key.
    const ours = (n: string) =>
      n.startsWith(prefix) && PARTIAL_UUID.test(n.slice(prefix.length)) && n.slice(prefix.length) !== keep;
    const names = await fsp.readdir(dir);
    await Promise.all(names.filter(ours).map((n) => fsp.rm(path.join(dir, n), { force: true })));
  }
}
