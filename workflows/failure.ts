import { ActivityFailure, ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/workflow';
import { classifyFailure, failureWording, type FailureClass } from '../domain/failures';
import { redactUrlsInText } from '../domain/redact';

/** Why an activity gave up, in words for the MeetingView (any URL in them redacted: domain/redact.ts). */
export function reasonOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return redactUrlsInText(`${cause.type ?? 'error'}: ${cause.message}`);
  return redactUrlsInText(cause instanceof Error ? cause.message : String(cause));
}

/** Whether retrying the same call can never succeed (the activity said so: e.g. HTTP 401/403/404). */
export function isPermanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}

/** A failure as the one classification (domain/failures.ts) sees it. */
export interface ClassifiedFailure extends FailureClass {
  /** The failure's type (`ArchiveUnavailable`, `Http404`, `Timeout`...). */
  type: string;
  /** "archive full (ENOSPC)". */
  wording: string;
  /** The whole reason, for the view (URLs redacted). */
  reason: string;
}

/**
 * What an activity's failure is: the ApplicationFailure it threw (the last attempt's, also under a timeout
 * of its retries), else a timeout, else a plain error (retryable).
 */
export function classified(err: unknown): ClassifiedFailure {
  let cause: unknown = err;
  let timedOut = false;
  for (let depth = 0; depth < 5 && cause instanceof TemporalFailure; depth++) {
    if (cause instanceof ApplicationFailure) break;
    if (cause instanceof TimeoutFailure) timedOut = true;
    if (!(cause instanceof ActivityFailure || cause instanceof TimeoutFailure) || !cause.cause) break;
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'Error';
    const nonRetryable = cause.nonRetryable === true;
    // The archive's errno (directory) or S3 code (object store), when an ArchiveUnavailable carries one.
    const detail = cause.details?.[0] as { errno?: unknown; s3?: unknown } | undefined;
    const code = detail?.errno ?? detail?.s3;
    const wording = failureWording(type, nonRetryable, typeof code === 'string' ? code : undefined);
    return { ...classifyFailure(type, nonRetryable), type, wording, reason: reasonOf(cause) };
  }
  const type = timedOut ? 'Timeout' : 'Error';
  const cls = classifyFailure(type);
  return { ...cls, type, wording: cls.uiWording, reason: reasonOf(err) };
}
