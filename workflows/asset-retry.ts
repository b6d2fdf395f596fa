// An asset's download or archive write, tried again after each transient failure (domain/failures.ts) until
// the asset's deadline: only a verdict (the provider says it does not exist, or refuses for good) or the
// deadline ends it. Meanwhile the meeting stays `collecting` and says what is retried and why.
import * as wf from '@temporalio/workflow';
import { pauseAfterRoundMs, type AssetRetrySettings } from '../domain/asset-retry';
import { classified, type ClassifiedFailure } from './failure';

export type Retried<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** The activity's failure itself. */
      error: unknown;
      failure: ClassifiedFailure;
      /** A transient failure still there at the deadline. */
      late: boolean;
    };

/** The least a round is given: an asset found just before its deadline still gets one real round. */
const MIN_ROUND_MS = 60_000;

/**
 * Runs `round` (one call of the activity, its schedule-to-close `leftMs`: the time to the deadline, at least
 * a minute)
 * until it succeeds, fails for good, or fails past `deadlineMs`. `retrying` hears what is retried and why
 * (undefined once it is not).
 */
export async function retryUntilDeadline<T>(
  what: string,
  deadlineMs: number,
  settings: AssetRetrySettings,
  round: (leftMs: number) => Promise<T>,
  retrying: (note: string | undefined) => void,
): Promise<Retried<T>> {
  try {
    for (let n = 1; ; n++) {
      try {
        return { ok: true, value: await round(Math.max(deadlineMs - Date.now(), MIN_ROUND_MS)) };
      } catch (err) {
        if (wf.isCancellation(err)) throw err;
        const failure = classified(err);
        const leftMs = deadlineMs - Date.now();
        if (!failure.retryable || leftMs <= 0)
          return { ok: false, error: err, failure, late: failure.retryable };
        const pauseMs = pauseAfterRoundMs(settings, n, leftMs);
        retrying(
          `${what}: retrying, ${failure.wording} (${failure.type}), next try at ${iso(Date.now() + pauseMs)}, ` +
            `gives up at ${iso(deadlineMs)} (${n} round${n > 1 ? 's' : ''} failed)`,
        );
        await wf.sleep(pauseMs, { summary: `Try the ${what} again: ${failure.wording}` });
      }
    }
  } finally {
    retrying(undefined);
  }
}

/** retryUntilDeadline, throwing the activity's last failure when it gives up (for callers that catch it). */
export async function retryOrThrow<T>(...args: Parameters<typeof retryUntilDeadline<T>>): Promise<T> {
  const r = await retryUntilDeadline(...args);
  if (r.ok) return r.value;
  throw r.error;
}

const iso = (ms: number) => new Date(ms).toISOString();
