import { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `everyMs`: the beats say the worker is alive, not how far the work is.
 * With a heartbeat timeout on the activity, an attempt whose worker died is retried after that timeout
 * instead of after the whole start-to-close timeout (minutes for a meeting that only waits).
 */
export async function heartbeatWhile<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
