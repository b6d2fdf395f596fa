import { ARCHIVE_STORE_WORDING } from '../../domain/failures';

/**
 * The object store cannot be used now, for a reason an operator or time can fix (unreachable, 5xx,
 * throttled, access denied, no bucket, refused credentials): `code` is a key of domain/failures.ts
 * ARCHIVE_STORE_WORDING, which activities/index.ts turns into a retryable `ArchiveUnavailable`.
 */
export class ArchiveStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ArchiveStoreError';
  }
}

/** Node's codes of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const NETWORK_CODE_IN_TEXT = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b`);
const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch']);

interface SdkError {
  name?: string;
  message: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** The object store code of `err` (ARCHIVE_STORE_WORDING's), or undefined for any other failure. */
function storeCode(err: SdkError): string | undefined {
  const name = err.Code ?? err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return 'NoSuchBucket';
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) return 'AccessDenied';
  if (CREDENTIALS.has(name)) return name;
  if (THROTTLED.has(name) || status === 429 || status === 503) return 'SlowDown';
  if (status !== undefined && status >= 500) return 'S3Unavailable';
  if (name === 'TimeoutError' || name === 'RequestTimeout') return 'S3Unreachable';
  for (let cause: unknown = err, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as SdkError).code;
    if (code && NETWORK_CODES.has(code)) return 'S3Unreachable';
    cause = (cause as SdkError).cause;
  }
  // AggregateError (every address refused) carries its causes in `errors`.
  const errors = (err as { errors?: unknown[] }).errors;
  if (errors?.some((e) => NETWORK_CODES.has((e as SdkError).code ?? ''))) return 'S3Unreachable';
  // An error the SDK did not recognise as one (another realm's, under jest) is only its text.
  if (NETWORK_CODE_IN_TEXT.test(err.message)) return 'S3Unreachable';
  return undefined;
}

/**
 * `err` as an ArchiveStoreError naming what was being done and where, when the store is unavailable;
 * otherwise `err` itself (a missing key, a source stream that failed, an incomplete stream).
 */
export function s3Failure(err: unknown, doing: string): unknown {
  if (!(err instanceof Error) || err instanceof ArchiveStoreError) return err;
  const code = storeCode(err);
  if (!code) return err;
  const wording = ARCHIVE_STORE_WORDING[code] ?? code;
  return new ArchiveStoreError(code, `${doing}: ${wording} (${code}): ${err.message || err.name}`, {
    cause: err,
  });
}
