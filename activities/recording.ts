import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ArchiveRef } from '../domain/archive-ref';
import type { Provider } from '../domain/ids';
import { IncompleteStreamError, type FileArchive } from '../platform/archive';
import { fetchAllowed } from './allowed-fetch';
import { failureFromResponse } from './http-failure';

// Well inside the workflow's heartbeat timeout, whatever the download speed.
const HEARTBEAT_EVERY_MS = 1000;
// A URL this close to its expiry is refreshed before the download starts.
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Gets a newly signed URL for a meeting's recording from its provider. */
export type RecordingUrlRefresher = (externalId: string) => Promise<{ url: string; expiresAt: string }>;

export interface RecordingDeps {
  archive: FileArchive;
  allowedHosts: readonly string[];
  /** Per provider: how to replace an expired recording URL. */
  refreshers?: Partial<Record<Provider, RecordingUrlRefresher>>;
}

export interface ArchiveRecordingInput {
  provider: Provider;
  externalId: string;
  url: string;
  /** When `url` stops working, if known: a URL about to expire is refreshed first. */
  urlExpiresAt?: string;
}

export function recordingActivities({ archive, allowedHosts, refreshers = {} }: RecordingDeps) {
  return {
    /**
     * Streams a recording into the archive (`<provider>/<id>/recording.mp4`) with its size and sha256,
     * heartbeating progress; every redirect is checked against the allowed hosts too.
     */
    async archiveRecording({
      provider,
      externalId,
      url,
      urlExpiresAt,
    }: ArchiveRecordingInput): Promise<ArchiveRef> {
      const ctx = Context.current();
      const refresher = refreshers[provider];
      let refreshed = false;
      const refresh = async (why: string) => {
        log.info('refreshing the recording URL', { provider, externalId, why });
        url = (await refresher!(externalId)).url;
        refreshed = true;
      };
      if (refresher && urlExpiresAt && Date.parse(urlExpiresAt) - Date.now() < EXPIRY_MARGIN_MS) {
        await refresh(`the URL expires at ${urlExpiresAt}`);
      }

      const open = (start: string) => fetchAllowed(start, allowedHosts, 'recording', ctx.cancellationSignal);
      let res = await open(url);
      // Presigned storage URLs answer 403 once expired: get a new one from the provider, once.
      if (res.status === 403 && refresher && !refreshed) {
        await res.body?.cancel();
        await refresh('the download was refused (403): the URL has expired');
        res = await open(url);
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw failureFromResponse(res, 'recording download');
      }

      const length = res.headers.get('content-length');
      const expectedBytes = length && /^\d+$/.test(length) ? Number(length) : undefined;
      let lastBeat = Date.now();
      try {
        return await archive.putStream(
          `${provider}/${externalId}/recording.mp4`,
          Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
          {
            // A connection cut mid-body can end the stream without an error: never archive a short file.
            expectedBytes,
            onProgress: (bytes) => {
              const now = Date.now();
              if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
              lastBeat = now;
              ctx.heartbeat({ bytes, expectedBytes });
            },
          },
        );
      } catch (err) {
        if (err instanceof IncompleteStreamError)
          throw ApplicationFailure.retryable(`recording download: ${err.message}`, 'ShortDownload');
        throw err;
      }
    },
  };
}
