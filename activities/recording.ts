import { Context, log } from '@temporalio/activity';
import type { ArchiveRef } from '../domain/archive-ref';
import type { Provider } from '../domain/ids';
import { IncompleteStreamError, isResumable, type Archive } from '../platform/archive';
import { fetchAllowed, type DownloadResponse } from './allowed-fetch';
import { activityFailure } from './failure';
import { failureFromResponse } from './http-failure';
import { resumableDownload } from './resumable-download';

// Well inside the workflow's heartbeat timeout, whatever the download speed.
const HEARTBEAT_EVERY_MS = 1000;
// A URL this close to its expiry is refreshed before the download starts.
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Gets a newly signed URL for a meeting's recording from its provider. */
export type RecordingUrlRefresher = (externalId: string) => Promise<{ url: string; expiresAt: string }>;

export interface RecordingDeps {
  archive: Archive;
  allowedHosts: readonly string[];
  /** Per provider: how to replace an expired recording URL. */
  refreshers?: Partial<Record<Provider, RecordingUrlRefresher>>;
  /** Per provider: the signed recording URL in a claim-checked body (undefined when it names none). */
  storedUrls?: Partial<Record<Provider, StoredRecordingUrlReader>>;
}

/** Reads the signed recording URL out of a claim-checked provider body. */
export type StoredRecordingUrlReader = (payloadRef: ArchiveRef) => Promise<string | undefined>;

/**
 * Which recording to download. The signed URL is looked up here, never passed in: `payloadRef` names the
 * claim-checked body that holds it (else the provider is asked for one), so it stays out of the history.
 */
export interface ArchiveRecordingInput {
  provider: Provider;
  externalId: string;
  payloadRef?: ArchiveRef;
  /** The signed URL itself: only in activities scheduled before the issue-12 hygiene. */
  url?: string;
  /** When `url` stops working, if known: a URL about to expire is refreshed first. */
  urlExpiresAt?: string;
}

/** A download into the archive whose URL may expire (see downloadToArchive). */
export interface DownloadToArchiveInput {
  archive: Archive;
  allowedHosts: readonly string[];
  /** Archive key, e.g. `meetingbaas/<id>/recording.mp4`. */
  key: string;
  url: string;
  /** When `url` stops working, if known: a URL about to expire is refreshed first. */
  urlExpiresAt?: string;
  /**
   * A newly signed URL, for a URL about to expire or refused by the storage (403); asked at most once per
   * call. Without it, such a URL is downloaded (or fails) as it is.
   */
  refresh?: (why: string) => Promise<string>;
}

/**
 * Streams `url` into the archive at `key` with its size and sha256, heartbeating progress (call it inside an
 * activity); every redirect is checked against the allowed hosts too. Shared by every provider's recording.
 */
export async function downloadToArchive({
  archive,
  allowedHosts,
  key,
  url,
  urlExpiresAt,
  refresh,
}: DownloadToArchiveInput): Promise<ArchiveRef> {
  const ctx = Context.current();
  let refreshed = false;
  const renew = async (why: string) => {
    url = await refresh!(why);
    refreshed = true;
  };
  if (refresh && urlExpiresAt && Date.parse(urlExpiresAt) - Date.now() < EXPIRY_MARGIN_MS) {
    await renew(`the URL expires at ${urlExpiresAt}`);
  }

  const open = (start: string, headers?: Record<string, string>) =>
    fetchAllowed(start, allowedHosts, 'recording', ctx.cancellationSignal, headers);
  const openRecording = async (headers?: Record<string, string>) => {
    const res = await open(url, headers);
    // Presigned storage URLs answer 403 once expired: get a new one from the provider, once.
    if (res.status !== 403 || !refresh || refreshed) return res;
    await res.discard();
    await renew('the download was refused (403): the URL has expired');
    return open(url, headers);
  };
  const fail = async (res: DownloadResponse): Promise<never> => {
    await res.discard();
    throw failureFromResponse(res, 'recording download');
  };

  // An archive that keeps partial writes: a retry continues where the last attempt stopped.
  if (isResumable(archive)) {
    return resumableDownload({
      archive,
      key,
      open: openRecording,
      fail,
      previous: ctx.info.heartbeatDetails,
      heartbeat: (progress) => ctx.heartbeat(progress),
      heartbeatEveryMs: HEARTBEAT_EVERY_MS,
      signal: ctx.cancellationSignal,
    });
  }

  const res = await openRecording();
  if (!res.ok) return fail(res);

  const length = res.headers.get('content-length');
  const expectedBytes = length && /^\d+$/.test(length) ? Number(length) : undefined;
  let lastBeat = Date.now();
  try {
    return await archive.putStream(key, res.body, {
      // A connection cut mid-body can end the stream without an error: never archive a short file.
      expectedBytes,
      onProgress: (bytes) => {
        const now = Date.now();
        if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
        lastBeat = now;
        ctx.heartbeat({ bytes, expectedBytes });
      },
    });
  } catch (err) {
    if (err instanceof IncompleteStreamError)
      throw activityFailure('ShortDownload', `recording download: ${err.message}`);
    throw err;
  }
}

export function recordingActivities({
  archive,
  allowedHosts,
  refreshers = {},
  storedUrls = {},
}: RecordingDeps) {
  return {
    /**
     * Streams a recording into the archive (`<provider>/<id>/recording.mp4`) with its size and sha256,
     * heartbeating progress; every redirect is checked against the allowed hosts too.
     */
    async archiveRecording({
      provider,
      externalId,
      payloadRef,
      url,
      urlExpiresAt,
    }: ArchiveRecordingInput): Promise<ArchiveRef> {
      const refresher = refreshers[provider];
      const reader = storedUrls[provider];
      let signed = url ?? (payloadRef && reader ? await reader(payloadRef) : undefined);
      let expiresAt = urlExpiresAt;
      if (signed === undefined) {
        if (!refresher) {
          throw activityFailure(
            'NoRecordingUrl',
            `no recording URL for ${provider}:${externalId}: none stored and none can be asked for`,
          );
        }
        log.info('asking the provider for the recording URL', { provider, externalId });
        ({ url: signed, expiresAt } = await refresher(externalId));
      }
      return downloadToArchive({
        archive,
        allowedHosts,
        key: `${provider}/${externalId}/recording.mp4`,
        url: signed,
        urlExpiresAt: expiresAt,
        refresh: refresher
          ? async (why) => {
              log.info('refreshing the recording URL', { provider, externalId, why });
              return (await refresher(externalId)).url;
            }
          : undefined,
      });
    },
  };
}
