import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** Why an activity gave up, in words for the MeetingView. */
export function reasonOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Whether retrying the same call can never succeed (the activity said so: e.g. HTTP 401/403/404). */
export function isPermanent(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}
