import { IncompleteStreamError, type ArchiveSource } from './archive';

/**
 * The source's chunks, remembering the errors the source itself threw (a cut download): those, and a source
 * that ended short, say nothing about the store and pass as they are; anything else is the store's failure.
 */
export function taggedSource(source: ArchiveSource): {
  chunks: AsyncIterable<Uint8Array>;
  /** Whether `err` came from the source (or is its short end) rather than from the store. */
  isSourceError(err: unknown): boolean;
} {
  const fromSource = new WeakSet<object>();
  async function* chunks() {
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array>) yield chunk;
    } catch (err) {
      if (err && typeof err === 'object') fromSource.add(err);
      throw err;
    }
  }
  return {
    chunks: chunks(),
    isSourceError: (err) =>
      (err !== null && typeof err === 'object' && fromSource.has(err)) ||
      err instanceof IncompleteStreamError,
  };
}
