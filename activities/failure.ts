// The one way an activity fails on purpose: a type from the failure table (domain/failures.ts), whose entry
// decides whether Temporal retries it, so that the throw site, the workflows and the API never disagree.
import { ApplicationFailure } from '@temporalio/common';
import { failureClassOf, type ThrownFailureType } from '../domain/failures';

export interface ActivityFailureExtra {
  /** Kept with the failure for the workflow to read (`{ status }`, `{ errno }`). */
  details?: unknown[];
  /**
   * Milliseconds until the next attempt, when the provider said (Retry-After): overrides the retry policy's
   * interval. A number, not Temporal's Duration: its `ms` string type does not resolve for the linter.
   */
  nextRetryDelay?: number;
  cause?: Error;
}

/** An ApplicationFailure of `type`, retryable as the failure table says; a type not in it does not compile. */
export function activityFailure(
  type: ThrownFailureType,
  message: string,
  { details, nextRetryDelay, cause }: ActivityFailureExtra = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: !failureClassOf(type).retryable,
    details,
    nextRetryDelay,
    cause,
  });
}

/** Whether `err` is an ApplicationFailure of `type` (typed: a misspelt type does not compile). */
export function isFailureOfType(err: unknown, type: ThrownFailureType): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === type;
}
