// Waiting on something that becomes true in its own time (a workflow's progress, a server's start).
/** Polls `fn` until it returns a value for which `done` holds, or fails after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn().catch(() => undefined as T);
    if (last !== undefined && done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(
        `condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
