import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
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
