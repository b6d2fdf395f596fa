import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ArchiveRef } from '../domain/archive-ref';
import { isAllowedHost } from '../domain/hosts';
import type { Provider } from '../domain/ids';
import { IncompleteStreamError, type FileArchive } from '../platform/archive';
import { failureFromResponse } from './http-failure';

const MAX_REDIRECTS = 5;
// Well inside the workflow's heartbeat timeout, whatever the download speed.
const HEARTBEAT_EVERY_MS = 1000;

export interface RecordingDeps {
  archive: FileArchive;
  allowedHosts: readonly string[];
}

export interface ArchiveRecordingInput {
  provider: Provider;
  externalId: string;
  url: string;
}

function allowedUrl(raw: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ApplicationFailure.nonRetryable(`not a URL: ${raw.slice(0, 200)}`, 'InvalidUrl');
  }
  if (!isAllowedHost(url, allowedHosts)) {
    throw ApplicationFailure.nonRetryable(
      `recording host ${url.host} is not in DOWNLOAD_ALLOWED_HOSTS (${allowedHosts.join(', ')})`,
      'DownloadHostNotAllowed',
    );
  }
  return url;
}

export function recordingActivities({ archive, allowedHosts }: RecordingDeps) {
  return {
    /**
     * Streams a recording into the archive (`<provider>/<id>/recording.mp4`) with its size and sha256,
     * heartbeating progress; every redirect is checked against the allowed hosts too.
     */
    async archiveRecording({ provider, externalId, url }: ArchiveRecordingInput): Promise<ArchiveRef> {
      const ctx = Context.current();
      let target = allowedUrl(url, allowedHosts);
      let res: Response;
      for (let hops = 0; ; hops++) {
        res = await fetch(target, { redirect: 'manual', signal: ctx.cancellationSignal });
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) break;
        if (hops === MAX_REDIRECTS)
          throw ApplicationFailure.nonRetryable('too many redirects', 'TooManyRedirects');
        await res.body?.cancel();
        target = allowedUrl(new URL(location, target).href, allowedHosts);
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
