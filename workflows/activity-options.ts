// How the workflows call their activities: one named option set per kind of call, so that the timeouts and
// retries of a kind are decided (and changed) in one place. Failures that retrying cannot fix are thrown
// non-retryable by the activities themselves (domain/failures.ts), so none of these lists failure types.
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';

/** Back off from a second to a minute: 5xx and network errors; 429/423 wait as Retry-After says. */
const BACK_OFF: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};

/** A question to a provider's API (where a meeting stands, its final data): a watchdog asks again later. */
export const PROVIDER_QUESTION: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: BACK_OFF,
};

/** Listing what a provider published (Webex recordings, transcripts): the collection waits that long. */
export const PROVIDER_LISTING: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: BACK_OFF,
};

/**
 * A recording downloaded into the archive. An expired URL is renewed inside the activity, so retrying is
 * worth it for as long as the provider keeps the recording; six hours of outage or cut downloads is where a
 * person should look instead. Progress is heartbeated every second while bytes flow: a download silent for
 * the heartbeat timeout is stuck or its worker gone.
 */
export const RECORDING_DOWNLOAD: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '6 hours',
  heartbeatTimeout: '10 seconds',
  retry: { ...BACK_OFF, initialInterval: '2 seconds' },
};

/**
 * A Meeting BaaS transcript normalised from the archived body (or the transcription file it names). It
 * heartbeats while it works: a killed worker's attempt is retried after 30 seconds, not after 5 minutes.
 */
export const TRANSCRIPT_NORMALISING: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: { ...BACK_OFF, maximumInterval: '30 seconds' },
};

/**
 * A small file fetched from a provider into the archive (Webex transcripts and participant lists). The
 * activities heartbeat between their Webex calls, each bounded to 30 s (about 2 minutes with a token
 * renewal): an attempt silent for 3 minutes had its worker die, and is retried then, not after 10.
 */
export const SMALL_FILE_ARCHIVING: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '3 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: BACK_OFF,
};

/** An Update's caller is waiting for the answer: give up within a couple of minutes. */
export const CALLER_WAITING: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { ...BACK_OFF, maximumInterval: '20 seconds' },
};

/** A command to a provider (send or remove a bot): worth retrying for a few minutes, no longer. */
export const PROVIDER_COMMAND: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: BACK_OFF,
};

/** A setting changed at the provider ahead of a meeting (Webex automatic recording): it has time. */
export const PROVIDER_SETTING: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: BACK_OFF,
};

/**
 * A meeting's outcome written to the archive for its notifications (activities/notify/prepare.ts): the
 * meeting waits for it before it may close, so give up after ten minutes (the view then says so).
 */
export const NOTIFICATION_PREPARING: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: BACK_OFF,
};

/**
 * A meeting's objects deleted from the archive (erasure on request): small, and worth retrying while the
 * archive is down for as long as a collection would.
 */
export const ARCHIVE_ERASURE: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: BACK_OFF,
};

/** An object the archive no longer needs, deleted in passing: worth a short wait, not a stuck workflow. */
export const ARCHIVE_CLEANUP: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: BACK_OFF,
};
