// A recording download that a retry continues (issue 15, item 2). Each attempt heartbeats where its partial
// lives in the archive (a handle, never the signed URL) and the validator of the provider's object; the next
// attempt finds the partial, asks for the rest (`Range: bytes=N-` with `If-Range`) and appends it. It starts
// over when the server answers 200 (Range ignored, or the object changed), when the answer does not fit
// (another offset, length or ETag), or when the partial is gone.
import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import { z } from 'zod';
import type { ArchiveRef } from '../domain/archive-ref';
import {
  IncompleteStreamError,
  type Archive,
  type PartialWrite,
  type ResumableArchive,
} from '../platform/archive';
import type { DownloadResponse } from './allowed-fetch';
import { activityFailure } from './failure';

/** What a recording download heartbeats, read back by the retry (checked: the history is outside input). */
export const downloadProgressSchema = z.object({
  /** Bytes of the whole recording received so far. */
  bytes: z.number().int().nonnegative(),
  expectedBytes: z.number().int().nonnegative().optional(),
  /** Where the partial lives and what it is a prefix of; absent when the server gave no validator. */
  partial: z
    .object({
      key: z.string().min(1).max(1024),
      handle: z.string().min(1).max(1024),
      /** A strong ETag or a Last-Modified date, as sent back in If-Range. */
      validator: z.string().min(1).max(1024),
    })
    .optional(),
});
export type DownloadProgress = z.infer<typeof downloadProgressSchema>;

/** Opens the recording (redirects checked, an expired URL refreshed once); any status comes back. */
export type OpenRecording = (headers?: Record<string, string>) => Promise<DownloadResponse>;

export interface ResumableDownloadInput {
  archive: Archive & ResumableArchive;
  key: string;
  open: OpenRecording;
  /** Fails the attempt for a non-2xx answer (the status decides whether Temporal retries). */
  fail: (res: DownloadResponse) => Promise<never>;
  /** The previous attempt's last heartbeat details (Context.info.heartbeatDetails). */
  previous: unknown;
  /** Records progress (Context.heartbeat); called at once with the partial's handle, then as bytes arrive. */
  heartbeat: (progress: DownloadProgress) => void;
  heartbeatEveryMs: number;
  /** The activity's cancellation: a cancelled attempt keeps its partial only if a retry will come. */
  signal: AbortSignal;
}

/** Cancellations after which no attempt follows (the workflow cancelled it, or is gone). */
const FINAL_CANCELLATIONS = new Set(['CANCELLED', 'NOT_FOUND']);

/** Whether nothing will continue a partial after this failure: no retry, or a final cancellation. */
function noRetryComing(err: unknown, signal: AbortSignal): boolean {
  if (err instanceof ApplicationFailure && err.nonRetryable) return true;
  if (!signal.aborted) return false;
  // A worker shutting down (or an attempt timed out) is retried, maybe elsewhere: that attempt resumes.
  const reason: unknown = signal.reason;
  return FINAL_CANCELLATIONS.has(reason instanceof Error ? reason.message : String(reason));
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** A strong ETag (If-Range does not take weak ones), else the Last-Modified date, else none. */
function validatorOf(res: DownloadResponse): string | undefined {
  const etag = res.headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return res.headers.get('last-modified') ?? undefined;
}

/** Why a 206 answer to `Range: bytes=<offset>-` is not the rest of the saved object, or undefined if it is. */
function misfit(res: DownloadResponse, offset: number, saved: DownloadProgress): string | undefined {
  const m = CONTENT_RANGE.exec(res.headers.get('content-range') ?? '');
  if (!m) return 'a 206 without a usable Content-Range';
  if (Number(m[1]) !== offset) return `the range starts at ${m[1]}, not ${offset}`;
  if (saved.expectedBytes !== undefined && Number(m[3]) !== saved.expectedBytes)
    return `the object is ${m[3]} bytes now, ${saved.expectedBytes} before`;
  const etag = res.headers.get('etag');
  if (etag && saved.partial?.validator.startsWith('"') && etag !== saved.partial.validator)
    return 'the object changed (another ETag)';
  return undefined;
}

export async function resumableDownload(input: ResumableDownloadInput): Promise<ArchiveRef> {
  const { archive, key, open, fail, heartbeat } = input;
  const parsed = downloadProgressSchema.safeParse(input.previous);
  const saved = parsed.success && parsed.data.partial?.key === key ? parsed.data : undefined;

  let partial: PartialWrite | undefined;
  // Set together with `partial` when resuming, else below.
  let res: DownloadResponse | undefined;
  let expectedBytes: number | undefined;
  let validator: string | undefined;
  if (saved?.partial) {
    const found = await archive.findPartial(key, saved.partial.handle);
    if (found && found.storedBytes > 0) {
      const offset = found.storedBytes;
      const answer = await open({ range: `bytes=${offset}-`, 'if-range': saved.partial.validator });
      const why =
        answer.status === 206
          ? misfit(answer, offset, saved)
          : answer.status === 200
            ? 'the server sent the whole object (Range ignored, or the object changed)'
            : answer.status === 416
              ? 'the server refused the range'
              : undefined;
      if (answer.status === 206 && why === undefined) {
        partial = found;
        res = answer;
        expectedBytes =
          saved.expectedBytes ?? Number(CONTENT_RANGE.exec(answer.headers.get('content-range')!)![3]);
        validator = saved.partial.validator;
        log.info('resuming the recording download', { key, offset, expectedBytes });
      } else if (why !== undefined) {
        log.info('the recording download starts over', { key, offset, why });
        await found.discard();
        // A 200 is the whole object: downloaded as it is. Anything else: asked for again, in full.
        if (answer.status === 200) res = answer;
        else await answer.discard();
      } else {
        await fail(answer).catch(async (err: unknown) => {
          if (err instanceof ApplicationFailure && err.nonRetryable) await found.discard();
          throw err;
        });
      }
    } else {
      await found?.discard();
    }
  }

  if (!partial) {
    res ??= await open();
    if (!res.ok) return fail(res);
    const length = res.headers.get('content-length');
    expectedBytes = length && /^\d+$/.test(length) ? Number(length) : undefined;
    validator = validatorOf(res);
    const answer = res;
    // An unread body holds its connection until undici's body timeout: let it go when the store fails.
    partial = await archive.startPartial(key).catch(async (err: unknown) => {
      await answer.discard();
      throw err;
    });
  }

  // Without a validator a partial could not be matched to its object: the next attempt starts over.
  const where = validator ? { key, handle: partial.handle, validator } : undefined;
  heartbeat({ bytes: partial.storedBytes, expectedBytes, partial: where });
  let lastBeat = Date.now();
  const write = partial;
  try {
    return await write.complete(res!.body, {
      // A connection cut mid-body can end the stream without an error: never archive a short file.
      expectedBytes,
      onProgress: (bytes) => {
        const now = Date.now();
        if (now - lastBeat < input.heartbeatEveryMs) return;
        lastBeat = now;
        heartbeat({ bytes, expectedBytes, partial: where });
      },
    });
  } catch (err) {
    res!.body.destroy();
    // Nothing will continue this partial: no retry comes, or it could not be matched to its object.
    if (!where || noRetryComing(err, input.signal)) await write.discard().catch(() => undefined);
    if (err instanceof IncompleteStreamError)
      throw activityFailure('ShortDownload', `recording download: ${err.message}`);
    throw err;
  }
}
