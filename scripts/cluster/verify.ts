// After the load: every meeting checked. Lost: a webhook never accepted, or no workflow. Stuck: not
// `completed` in time. Wrong: the archived recording is not the simulator's bytes (sha256 of the object read
// back from the store, and the one the view reports) or the transcript is missing. Then the listing: GET
// /meetings?status=completed (SQL visibility, through an API) must name every meeting, and nothing else.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { MeetingRecord } from './load';

export interface Verdict {
  lost: string[];
  stuck: string[];
  wrong: string[];
  listing: { listed: number; missing: number; unexpected: number; countQuery: number; problem?: string };
}

async function objectSha256(s3: S3Client, uri: string): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  const hash = createHash('sha256');
  for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function checkMeeting(r: MeetingRecord, s3: S3Client, v: Verdict): Promise<void> {
  if (r.undelivered) return void v.lost.push(`${r.botId}: ${r.undelivered}`);
  if (!r.view) return void v.stuck.push(`${r.botId}: ${r.waitError ?? 'no result'}`);
  if (r.view.status !== 'completed')
    return void v.stuck.push(`${r.botId}: ${r.view.status} ${JSON.stringify(r.view.error ?? {})}`);
  const archive = r.view.recording?.archive;
  if (!archive || archive.sha256 !== r.sha256 || archive.bytes !== r.bytes)
    return void v.wrong.push(`${r.botId}: view says ${JSON.stringify(archive)}, simulator ${r.sha256}`);
  const stored = await objectSha256(s3, archive.uri).catch((err: unknown) => `unreadable: ${String(err)}`);
  if (stored !== r.sha256)
    return void v.wrong.push(`${r.botId}: stored object ${stored}, simulator ${r.sha256}`);
  if (r.view.transcript?.status !== 'archived')
    v.wrong.push(`${r.botId}: transcript ${r.view.transcript?.status}`);
}

/** Every workflowId GET /meetings lists for a filter, page by page. */
async function listAll(apiUrl: string, token: string, filter: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const url = `${apiUrl}/meetings?${filter}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: Array<{ workflowId: string }>; nextCursor?: string };
    ids.push(...page.items.map((i) => i.workflowId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

export async function verify(
  records: MeetingRecord[],
  s3: S3Client,
  client: Client,
  apiUrl: string,
  readToken: string,
): Promise<Verdict> {
  const v: Verdict = {
    lost: [],
    stuck: [],
    wrong: [],
    listing: { listed: 0, missing: 0, unexpected: 0, countQuery: 0 },
  };
  // A few at a time: the recordings are read back whole.
  for (let i = 0; i < records.length; i += 8)
    await Promise.all(records.slice(i, i + 8).map((r) => checkMeeting(r, s3, v)));

  // Visibility is written asynchronously: give it a little while to show the last meetings.
  const expected = new Set(records.filter((r) => r.view?.status === 'completed').map((r) => r.workflowId));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const listed = await listAll(apiUrl, readToken, 'provider=meetingbaas&status=completed');
      const set = new Set(listed);
      const { count } = await client.workflow.count(`MeetingStatus = 'completed'`);
      v.listing = {
        listed: listed.length,
        missing: [...expected].filter((id) => !set.has(id)).length,
        unexpected: listed.filter((id) => !expected.has(id)).length + (listed.length - set.size),
        countQuery: count,
      };
      if (!v.listing.missing && !v.listing.unexpected && count === expected.size) return v;
    } catch (err) {
      v.listing.problem = String(err);
    }
    if (Date.now() > deadline) return v;
    await delay(2000);
  }
}
