import { ApplicationFailure } from '@temporalio/common';
import { ARCHIVE_ERRNO_WORDING, isArchiveErrno } from '../domain/failures';
import { redactUrlsInText } from '../domain/redact';
import { ArchiveStoreError, MeetingErasedError, type Archive } from '../platform/archive';
import { erasureActivities } from './erasure';
import { activityFailure } from './failure';
import type { MeetingBaasClient } from './meetingbaas/client';
import { meetingBaasProviderActivities, storedRecordingUrl } from './meetingbaas/provider';
import { meetingBaasTranscriptActivities } from './meetingbaas/transcript';
import { notifyDeliverActivities } from './notify/deliver';
import { notifyPrepareActivities } from './notify/prepare';
import { NO_NOTIFICATIONS, type NotifySettings } from './notify/settings';
import { recordingActivities } from './recording';
import type { WebexClient } from './webex/client';
import { webexActivities } from './webex/activities';

/** What the activities need: the archive, the hosts recordings may come from, the providers' clients. */
export interface ActivityDeps {
  archive: Archive;
  allowedHosts: readonly string[];
  meetingBaas: MeetingBaasClient;
  webex: WebexClient;
  /** NOTIFY_*: where meetings' outcomes are sent and how they are signed; unset: nowhere. */
  notify?: NotifySettings;
}

/**
 * An activity's failure with every URL in its message and stack redacted (domain/redact.ts): failures are
 * written into the workflow's history and the worker's log, and a signed or password-bearing URL met on
 * the way (a fetch error, a refused host) must reach neither.
 */
function scrubbed(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 5) return err;
  try {
    err.message = redactUrlsInText(err.message);
    if (err.stack) err.stack = redactUrlsInText(err.stack);
    if (err.cause !== undefined) err.cause = scrubbed(err.cause, depth + 1);
  } catch {
    // A read-only error: it cannot be changed, so it is not passed on as it is.
    return new Error(redactUrlsInText(err.message));
  }
  return err;
}

/**
 * A write to the archive that failed for a reason that passes (full, read-only, no permission, I/O: Node's
 * errno, domain/failures.ts ARCHIVE_ERRNO_WORDING; the object store unreachable, 5xx, throttled, access
 * denied, no bucket: ARCHIVE_STORE_WORDING) as a retryable `ArchiveUnavailable` failure naming the errno or
 * the S3 code: never a verdict on the asset. A write refused because the meeting was erased is `MeetingErased`.
 */
export function archiveFailure(err: unknown): unknown {
  // A write of an erased meeting's object: final, the asset is gone for good.
  if (err instanceof MeetingErasedError) return activityFailure('MeetingErased', err.message, { cause: err });
  if (err instanceof ArchiveStoreError)
    return activityFailure('ArchiveUnavailable', `the archive cannot be used: ${err.message}`, {
      details: [{ s3: err.code }],
      cause: err,
    });
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  if (!isArchiveErrno(code) || err instanceof ApplicationFailure) return err;
  return activityFailure(
    'ArchiveUnavailable',
    `the archive cannot be written: ${ARCHIVE_ERRNO_WORDING[code]} (${code}): ${(err as Error).message}`,
    { details: [{ errno: code }], cause: err as Error },
  );
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

function withScrubbedFailures<T extends Record<string, AnyActivity>>(activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (err) {
        throw scrubbed(archiveFailure(err));
      }
    };
  }
  return wrapped as T;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return withScrubbedFailures({
    ...recordingActivities({
      ...deps,
      refreshers: { meetingbaas: (botId) => deps.meetingBaas.recordingUrl(botId) },
      storedUrls: { meetingbaas: (payloadRef) => storedRecordingUrl(deps.archive, payloadRef) },
    }),
    ...meetingBaasTranscriptActivities({
      ...deps,
      freshTranscriptionUrl: (botId) => deps.meetingBaas.transcriptionUrl(botId),
    }),
    ...meetingBaasProviderActivities(deps),
    ...webexActivities(deps),
    ...notifyPrepareActivities({ archive: deps.archive, notify: deps.notify ?? NO_NOTIFICATIONS }),
    ...notifyDeliverActivities({ archive: deps.archive, notify: deps.notify ?? NO_NOTIFICATIONS }),
    ...erasureActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
