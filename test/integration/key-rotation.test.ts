// Key rotation at the workflow level (issue 16): a meeting started while the worker and the API encrypted
// with key A goes on after both restart with `B,A` (B first): its view is still read, its history (A and B
// payloads mixed) replays, it completes, and what was written after the restart is under B.
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { dataConverterFor } from '../../contract/data-converter';
import type { EncryptionKey } from '../../contract/payload-codec';
import { startStack, viewWhenOn, type Stack } from '../helpers/stack';

const keyA: EncryptionKey = { id: 'rotation-a', key: randomBytes(32) };
const keyB: EncryptionKey = { id: 'rotation-b', key: randomBytes(32) };

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

/** The key id of each signal's payload, in history order, as anyone reading the raw history sees them. */
async function signalKeyIds(client: Client, workflowId: string): Promise<string[]> {
  const plain = new Client({ connection: client.connection });
  const history = await plain.workflow.getHandle(workflowId).fetchHistory();
  return history
    .events!.filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => {
      const payload = e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!;
      return Buffer.from(payload.metadata!['encryption-key-id']!).toString();
    });
}

test('a meeting started under key A is read, replayed and completed after a restart with B,A; new payloads under B', async () => {
  // Under A: the bot joins and records; the meeting waits for its final data.
  const before = await startStack({ encryptionKeys: [keyA] });
  stack = before;
  const meeting = before.sim.meetingBaas.create({ words: 15, recordingBytes: 16_000 });
  await before.sim.meetingBaas.play(meeting.botId, { webhookUrl: before.webhookUrl, include: 'statuses' });
  const workflowId = `meetingbaas:${meeting.botId}`;
  const waiting = await viewWhenOn(() => before)(meeting.botId, (v) => v.status === 'ended');
  const underA = await signalKeyIds(before.client, workflowId);
  expect(underA.length).toBeGreaterThan(0);
  expect(new Set(underA)).toEqual(new Set([keyA.id]));
  await before.stop();
  stack = undefined;

  // Worker and API again, on the same task queue, with B first; a simulator that serves the same bot.
  const after = await startStack({ encryptionKeys: [keyB, keyA], taskQueue: before.taskQueue });
  stack = after;
  const viewWhen = viewWhenOn(() => after);
  // The view written under A is read through the API (a query, answered under B, of state decoded from A).
  const read = await viewWhen(meeting.botId, (v) => v.status === 'ended');
  expect(read.history).toEqual(waiting.history);

  // The history so far replays with the rotated keys (a replayer with B alone could not decode it).
  const dataConverter = dataConverterFor([keyB, keyA]);
  const replay = (
    history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>,
  ) =>
    Worker.runReplayHistory(
      {
        workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE_ENCRYPTED! },
        dataConverter,
        replayName: workflowId,
      },
      history,
    );
  await replay(await after.client.workflow.getHandle(workflowId).fetchHistory());

  // The final data arrives through the new API and the meeting completes.
  after.sim.meetingBaas.create({
    botId: meeting.botId,
    words: 15,
    recordingBytes: 16_000,
  });
  await after.sim.meetingBaas.play(meeting.botId, { webhookUrl: after.webhookUrl, include: 'final' });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed', 60_000);
  expect(done.recording?.status).toBe('archived');

  const keyIds = await signalKeyIds(after.client, workflowId);
  expect(keyIds.slice(0, underA.length)).toEqual(underA);
  expect(keyIds.length).toBeGreaterThan(underA.length);
  expect(new Set(keyIds.slice(underA.length))).toEqual(new Set([keyB.id]));
  // The whole history, A and B payloads mixed, replays too.
  await replay(await after.client.workflow.getHandle(workflowId).fetchHistory());
});
