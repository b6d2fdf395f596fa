// Downloads the v2 `transcription` artifact named by `bot.completed`: hosts checked, JSON validated.
import { v2TranscriptionSchema, type V2Transcription } from '../../domain/meetingbaas/v2-transcription';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { fetchAllowed } from '../allowed-fetch';
import { activityFailure } from '../failure';
import { failureFromResponse } from '../http-failure';

/** Whether a 403 is the storage refusing an expired presigned URL (S3 says "Request has expired"). */
function hasExpired(url: string, body: string): boolean {
  const expiry = presignedUrlExpiry(url);
  return (expiry !== undefined && Date.parse(expiry) <= Date.now()) || /expired/i.test(body);
}

export async function downloadV2Transcription(
  url: string,
  allowedHosts: readonly string[],
  signal?: AbortSignal,
): Promise<V2Transcription> {
  const res = await fetchAllowed(url, allowedHosts, 'transcription', signal);
  if (res.status === 403 && hasExpired(url, await res.body.text().catch(() => ''))) {
    // Its own type, so that the caller can get a fresh URL from GET /v2/bots/{id} (see transcript.ts).
    throw activityFailure('UrlExpired', 'transcription download: the presigned URL has expired (HTTP 403)', {
      details: [{ status: 403 }],
    });
  }
  if (!res.ok) {
    await res.discard();
    throw failureFromResponse(res, 'transcription download');
  }
  let json: unknown;
  try {
    json = JSON.parse(await res.body.text());
  } catch {
    throw activityFailure('InvalidTranscription', 'the transcription file is not JSON');
  }
  const parsed = v2TranscriptionSchema.safeParse(json);
  if (!parsed.success) {
    throw activityFailure(
      'InvalidTranscription',
      `the transcription file does not parse: ${parsed.error.message.slice(0, 1000)}`,
    );
  }
  return parsed.data;
}
