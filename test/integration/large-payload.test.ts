// Any payload size: a `complete` of several megabytes (a multi-hour meeting's transcript) is claim-checked
// into the archive, so the workflow's history holds a reference and stays small.
import { normalizedTranscriptSchema } from '../../domain/transcript';
import type { MeetingView } from '../../domain/view';
import { eventually, postJson, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('a 5 MB complete ends completed with a history under 200 KB', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 110_000, recordingBytes: 64 * 1024 });
  const [complete] = stack.sim.meetingBaas.webhooks(meeting.botId, 'final');
  const body = JSON.stringify(complete);
  expect(body.length).toBeGreaterThan(5 * 1024 * 1024);

  for (const status of stack.sim.meetingBaas.webhooks(meeting.botId, 'statuses')) {
    expect((await postJson(stack.webhookUrl, status)).status).toBe(200);
  }
  expect((await postJson(stack.webhookUrl, body)).status).toBe(200);

  const done = await eventually(
    async () => (await (await stack.api(`/meetings/meetingbaas/${meeting.botId}`)).json()) as MeetingView,
    (v) => v?.status === 'completed',
    60_000,
  );
  expect(done.transcript).toMatchObject({ status: 'archived' });
  const transcript = normalizedTranscriptSchema.parse(
    JSON.parse((await stack.archive.read(done.transcript!.archive!)).toString()),
  );
  expect(transcript.utterances.flatMap((u) => u.words ?? [])).toHaveLength(110_000);

  const description = await stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`).describe();
  expect(description.historySize).toBeGreaterThan(0);
  expect(description.historySize).toBeLessThan(200 * 1024);
}, 90_000);
