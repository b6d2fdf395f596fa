// One failure classification for every activity: which ApplicationFailure types the activities throw, whether
// retrying can fix them, what they mean for the asset or request (a verdict), what the API answers for them
// and how the UI words them. Pure (no Temporal, no zod): the workflows and the API import it.

/**
 * - transient: retrying can fix it (5xx, 429, a timeout, a cut connection, a full or unwritable archive);
 * - gone: the provider says it does not exist (404, 410, no recording, no transcript);
 * - refused: the provider refuses for good (401, 403, any other 4xx, a forbidden host or address);
 * - invalid: what came (or was given) cannot be used (not a URL, not JSON, a bad id, a URL too short-lived);
 * - config: this service is not set up for it (no API key, no webhook secret...).
 */
export type FailureVerdict = 'transient' | 'gone' | 'refused' | 'invalid' | 'config';

export interface FailureClass {
  retryable: boolean;
  verdict: FailureVerdict;
  /**
   * What the API answers when a caller's request failed with it (POST /bots): 502 for a transient failure
   * of the provider, 503 when this service cannot do it now (not configured, the archive), 422 for the
   * provider's refusal or an answer that cannot be used.
   */
  httpStatus: number;
  /** Why, in a few words for the UI ("archive full"). */
  uiWording: string;
}

const transient = (uiWording: string, httpStatus = 502): FailureClass => ({
  retryable: true,
  verdict: 'transient',
  httpStatus,
  uiWording,
});
const final = (verdict: Exclude<FailureVerdict, 'transient'>, uiWording: string, httpStatus = 422) => ({
  retryable: false,
  verdict,
  httpStatus,
  uiWording,
});

/** The archive's write failures (Node's errno codes) that make it unavailable for a while: retried. */
export const ARCHIVE_ERRNO_WORDING: Readonly<Record<string, string>> = {
  ENOSPC: 'archive full',
  EDQUOT: 'archive quota exceeded',
  EACCES: 'archive not writable (permissions)',
  EPERM: 'archive not writable (permissions)',
  EROFS: 'archive read-only',
  EIO: 'archive I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'archive busy',
  ENOTDIR: 'archive path broken',
  ESTALE: 'archive mount stale',
  ETIMEDOUT: 'archive timed out',
};

/**
 * The object store's failures (S3 error codes, and two names of this code's for what has no code) that make
 * the S3 archive unavailable for a while: retried, like the errno codes above, as an operator can fix them.
 */
export const ARCHIVE_STORE_WORDING: Readonly<Record<string, string>> = {
  S3Unreachable: 'archive unreachable',
  S3Unavailable: 'archive unavailable (S3 5xx)',
  SlowDown: 'archive throttled',
  AccessDenied: 'archive access denied',
  NoSuchBucket: 'archive bucket missing',
  InvalidAccessKeyId: 'archive credentials refused',
  SignatureDoesNotMatch: 'archive credentials refused',
};

/** Every ApplicationFailure type the activities throw (activities/), and what it means. */
export const FAILURE_TYPES = {
  // HTTP answers (activities/http-failure.ts): 4xx other than these are `Http<status>` (httpFailureClass).
  RateLimited: transient('rate limited (429)'),
  Locked: transient('not ready yet (423)'),
  ProviderUnavailable: transient('provider unavailable (5xx)'),
  // Transport and archive.
  ShortDownload: transient('connection cut mid-download'),
  ArchiveUnavailable: transient('archive not writable', 503),
  UrlExpired: transient('the URL expired (a fresh one is asked for)'),
  /**
   * Meeting BaaS answered what its schema does not allow: retried, as a passing glitch of the provider
   * (activities/meetingbaas/client.ts). Webex's unreadable answers are InvalidProviderAnswer, final.
   */
  ProviderInvalidAnswer: transient("the provider's answer cannot be read (retried)"),
  /** Not an activity's type: an activity that timed out (Temporal's TimeoutFailure). */
  Timeout: transient('timed out'),
  /** Not an activity's type: an error without one (a network error, a crashed attempt). */
  Error: transient('error'),
  // A service notified of a meeting's outcome (activities/notify/deliver.ts): retried until its window ends.
  ConsumerRefused: transient('the notified service refused (not 2xx)'),
  ConsumerUnreachable: transient('the notified service is unreachable'),
  ConsumerTimeout: transient('the notified service did not answer in time'),
  // The provider says it does not exist.
  NoRecording: final('gone', 'the provider has no recording'),
  NoRecordingUrl: final('gone', 'no recording URL'),
  NoTranscript: final('gone', 'the provider has no transcript'),
  NoDownloadLink: final('gone', 'the provider gives no download link'),
  /** The meeting's data was erased on request (DELETE …/data): nothing of it is archived again. */
  MeetingErased: final('gone', 'erased on request'),
  // The provider refuses for good.
  WebexUnauthorized: final('refused', 'Webex refused the credentials (401)'),
  WebexForbidden: final('refused', 'Webex refused access (403)'),
  DownloadHostNotAllowed: final('refused', 'download host not allowed'),
  DownloadAddressForbidden: final('refused', 'download address forbidden'),
  UntrustedWebexUrl: final('refused', 'untrusted Webex URL'),
  TooManyRedirects: final('refused', 'too many redirects'),
  // Unusable input or answers.
  InvalidUrl: final('invalid', 'not a URL'),
  InvalidId: final('invalid', 'invalid id'),
  InvalidMeetingId: final('invalid', 'invalid meeting id'),
  InstanceMeetingId: final('invalid', 'a meeting instance id was expected'),
  InvalidBotRequest: final('invalid', 'invalid bot request'),
  InvalidPayload: final('invalid', 'invalid payload'),
  InvalidTranscription: final('invalid', 'the transcription file cannot be read'),
  InvalidProviderAnswer: final('invalid', "the provider's answer cannot be read"),
  RecordingUrlTooShort: final('invalid', "the provider's new URL expires too soon"),
  // This service is not set up for it.
  ProviderNotConfigured: final('config', 'provider not configured', 503),
  InvalidConfiguration: final('config', 'invalid configuration', 503),
  NotifyNotConfigured: final('config', 'notifications not configured (NOTIFY_WEBHOOK_SECRET)', 503),
} as const satisfies Record<string, FailureClass>;
export type FailureType = keyof typeof FAILURE_TYPES;

/** `Http409`: the HTTP answer's status, for a 4xx no retry can change (activities/http-failure.ts). */
export type HttpFailureType = `Http${number}`;

/**
 * A type an activity (or a workflow) may throw: the table's, or `Http<status>`. `Timeout` and `Error` are
 * only names the classification gives to failures that have no type.
 */
export type ThrownFailureType = Exclude<FailureType, 'Timeout' | 'Error'> | HttpFailureType;

/** `Http<status>`: a 4xx answer no retry can change (activities/http-failure.ts). */
export function httpFailureClass(status: number): FailureClass {
  if (status === 404 || status === 410) return final('gone', `not found (${status})`);
  if (status === 401 || status === 403) return final('refused', `refused (${status})`);
  if (status === 408 || status === 425 || status === 429 || status >= 500)
    return transient(`provider unavailable (${status})`);
  return final('refused', `rejected (${status})`);
}

/** The status of an `Http<status>` type (`Http409` → 409); undefined for any other type. */
export function httpStatusOf(type: string | undefined): number | undefined {
  const http = type === undefined ? null : /^Http(\d{3})$/.exec(type);
  return http ? Number(http[1]) : undefined;
}

function isTableFailureType(type: string | undefined): type is FailureType {
  return type !== undefined && Object.hasOwn(FAILURE_TYPES, type);
}

/**
 * How a failure of `type` is classified. A type outside the table (a plain error) follows what the activity
 * said: retryable unless it was marked non-retryable.
 */
export function classifyFailure(type: string | undefined, nonRetryable = false): FailureClass {
  if (isTableFailureType(type)) return FAILURE_TYPES[type];
  const status = httpStatusOf(type);
  if (status !== undefined) return httpFailureClass(status);
  return nonRetryable ? final('invalid', 'failed for good') : FAILURE_TYPES.Error;
}

/** The class of a type this code throws: its table entry, or its HTTP status's class. */
export function failureClassOf(type: ThrownFailureType): FailureClass {
  return classifyFailure(type);
}

/** The archive's errno codes that are an `ArchiveUnavailable` (retryable) failure. */
export function isArchiveErrno(code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(ARCHIVE_ERRNO_WORDING, code);
}

/** The object store's codes that are an `ArchiveUnavailable` (retryable) failure. */
export function isArchiveStoreCode(code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(ARCHIVE_STORE_WORDING, code);
}

/**
 * "archive full (ENOSPC)", "archive bucket missing (NoSuchBucket)", "provider unavailable (5xx)": the UI's
 * words for a failure; `code` is an ArchiveUnavailable's errno or object store code.
 */
export function failureWording(type: string | undefined, nonRetryable = false, code?: string): string {
  if (type === 'ArchiveUnavailable' && code && isArchiveErrno(code))
    return `${ARCHIVE_ERRNO_WORDING[code]} (${code})`;
  if (type === 'ArchiveUnavailable' && code && isArchiveStoreCode(code))
    return `${ARCHIVE_STORE_WORDING[code]} (${code})`;
  return classifyFailure(type, nonRetryable).uiWording;
}
