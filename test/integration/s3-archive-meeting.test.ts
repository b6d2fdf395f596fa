// The whole stack archiving to object storage (a real SeaweedFS): a Meeting BaaS meeting from the simulator
// ends with its recording in the bucket, byte for byte; the webhook bodies and a bot request (claim checks)
// go to the same bucket, and the worker reads the request back from it (then deletes it).
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createHash, randomUUID } from 'node:crypto';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import { S3Archive } from '../../platform/archive';
import { startStack, viewWhenOn, type Stack } from '../helpers/stack';

const BUCKET = `meetings-${randomUUID().slice(0, 8)}`;
const PREFIX = 'archive';

let seaweed: SeaweedFs;
let stack: Stack;
beforeAll(async () => {
  seaweed = await startSeaweedFs();
  stack = await startStack({ archive: new S3Archive({ bucket: BUCKET, prefix: PREFIX }, seaweed.client) });
});
afterAll(async () => {
  await stack?.stop();
  await seaweed?.stop();
});

const viewWhen = viewWhenOn(() => stack);

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await seaweed.client.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/${prefix}` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key!);
}

test('a Meeting BaaS meeting completes with its recording in the bucket, byte for byte', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 40, recordingBytes: 6 * 1024 * 1024 + 5 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  const rec = done.recording!;
  expect(rec.status).toBe('archived');
  expect(rec.archive!.uri).toMatch(new RegExp(`^s3://${BUCKET}/${PREFIX}/`));
  expect(rec.archive!.sha256).toBe(meeting.sha256);
  expect(rec.archive!.bytes).toBe(meeting.recordingBytes);

  const Key = rec.archive!.uri.slice(`s3://${BUCKET}/`.length);
  const object = await seaweed.client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  expect(bytes.length).toBe(meeting.recordingBytes);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(meeting.sha256);
  expect(object.Metadata?.sha256).toBe(meeting.sha256);

  expect(done.transcript?.status).toBe('archived');
  expect(done.transcript!.archive!.uri).toMatch(/^s3:\/\//);
  // The webhook bodies' claim checks are in the same bucket.
  expect(await keysUnder(`inbox/meetingbaas/${meeting.botId}/`)).not.toEqual([]);
});

test('POST /bots keeps the request in the bucket, the worker sends the bot from it, then deletes it', async () => {
  const meetingUrl = `https://meet.google.com/s3a-${randomUUID().slice(0, 4)}-xyz`;
  const sent = await stack.api('/bots', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `s3-${randomUUID()}` },
    body: JSON.stringify({ meeting_url: meetingUrl, bot_name: 'Archivist' }),
  });
  expect(sent.status).toBe(201);
  expect(stack.sim.meetingBaas.bots.sent.at(-1)?.meetingUrl).toBe(meetingUrl);
  // The send-bot run's history holds only the reference: an object of this bucket, gone once answered.
  const { requestId } = (await sent.json()) as { requestId: string };
  const history = await stack.client.workflow.getHandle(requestId).fetchHistory();
  const forgotten = (history.events ?? []).find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'forgetBotRequest',
  );
  expect(forgotten?.eventType).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const [input] = forgotten!.activityTaskScheduledEventAttributes!.input!.payloads!;
  const { requestRef } = defaultPayloadConverter.fromPayload<{ requestRef: { uri: string } }>(input!);
  expect(requestRef.uri).toMatch(new RegExp(`^s3://${BUCKET}/${PREFIX}/requests/meetingbaas/`));
  expect(await keysUnder('requests/meetingbaas/')).toEqual([]);
});
