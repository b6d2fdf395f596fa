// The recording file of a simulated Meeting BaaS bot, as its storage serves it: byte ranges with ETag and
// Last-Modified (If-Range), a count of the bytes served (tests check what a resumed download fetched again),
// throttling, and faults: cut connections, Range ignored, the object replaced between downloads.
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { contentChunks, contentSha256 } from '../content';
import { ifRangeHolds, requestedRange } from '../range';
import type { Scenario } from './scenario';

/** A scripted meeting with the state of its recording file. */
export type SimMeeting = Scenario & {
  sha256: string;
  /** Bumped when the object is replaced (changeRecording): other bytes, ETag and Last-Modified. */
  recordingVersion: number;
  /** Recording bytes written to clients so far, all requests together. */
  bytesServed: number;
};

/** The recording's content seed: the bot id, then another per replacement. */
export const recordingSeed = (m: Pick<SimMeeting, 'botId' | 'recordingVersion'>) =>
  m.recordingVersion === 0 ? m.botId : `${m.botId}#${m.recordingVersion}`;

export function simMeeting(scenario: Scenario): SimMeeting {
  return {
    ...scenario,
    sha256: contentSha256(scenario.botId, scenario.recordingBytes),
    recordingVersion: 0,
    bytesServed: 0,
  };
}

/** Replaces the recording with other bytes of the same length (a re-encoded file, say). */
export function changeRecording(m: SimMeeting): void {
  m.recordingVersion++;
  m.sha256 = contentSha256(recordingSeed(m), m.recordingBytes);
}

const etagOf = (m: SimMeeting) => `"${m.sha256.slice(0, 32)}"`;
const lastModifiedOf = (m: SimMeeting) =>
  new Date(Math.floor(m.createdAtMs / 1000) * 1000 + m.recordingVersion * 1000).toUTCString();

/** Streams the recording (or the range asked for), throttled to bytesPerSecond; stops if the client goes. */
export async function serveRecording(m: SimMeeting, req: Request, res: Response): Promise<void> {
  const size = m.recordingBytes;
  const etag = etagOf(m);
  const lastModified = lastModifiedOf(m);
  res.set({ 'content-type': 'video/mp4', 'accept-ranges': 'bytes', etag, 'last-modified': lastModified });
  const wholeFile =
    m.ignoreRange || (!m.ignoreIfRange && !ifRangeHolds(req.get('if-range'), etag, lastModified));
  const range = wholeFile ? undefined : requestedRange(req.get('range'), size);
  if (range === 'unsatisfiable') {
    return void res.status(416).set('content-range', `bytes */${size}`).end();
  }
  const start = range?.start ?? 0;
  const end = range ? range.end + 1 : size;
  if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${size}`);
  else res.status(200);
  res.set('content-length', String(end - start));

  // Fault: the connection drops halfway through this response's body, as a flaky network or CDN does.
  const cutAt = m.cutDownloads > 0 ? start + Math.floor((end - start) / 2) : undefined;
  if (cutAt !== undefined) m.cutDownloads--;
  const chunk = m.bytesPerSecond
    ? Math.max(1024, Math.min(64 * 1024, Math.floor(m.bytesPerSecond / 10)))
    : 64 * 1024;
  let at = start;
  async function* paced() {
    for (const part of contentChunks(recordingSeed(m), end, chunk, start)) {
      if (cutAt !== undefined && at + part.length > cutAt) {
        m.bytesServed += cutAt - at;
        yield part.subarray(0, cutAt - at);
        res.socket?.destroy();
        return;
      }
      at += part.length;
      m.bytesServed += part.length;
      yield part;
      if (m.bytesPerSecond) await delay((part.length / m.bytesPerSecond) * 1000);
    }
  }
  // A client that goes away mid-download ends the pipeline with an error: nothing more to do.
  await pipeline(Readable.from(paced()), res).catch(() => undefined);
}
