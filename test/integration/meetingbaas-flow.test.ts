// A Meeting BaaS v1 meeting end to end: simulator -> API -> Temporal -> worker -> archive -> query.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizedTranscriptSchema } from '../../domain/transcript';
import { meetingViewSchema, type MeetingView } from '../../domain/view';
import { MeetingStatusKey } from '../../workflows/definitions';
import { eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function view(botId: string): Promise<{ status: number; body: MeetingView }> {
  const res = await fetch(`${stack.apiUrl}/meetings/meetingbaas/${botId}`);
  return { status: res.status, body: (await res.json()) as MeetingView };
}

const viewWhen = (botId: string, done: (v: MeetingView) => boolean) =>
  eventually(
    async () => (await view(botId)).body,
    (v) => !!v && 'status' in v && done(v),
  );

test('the seed status sequence then complete: completed, recording and transcript archived', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 120, recordingBytes: 3 * 1024 * 1024 + 17 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
  expect(deliveries[0]!.body).toEqual({ workflowId: `meetingbaas:${meeting.botId}` });

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(meetingViewSchema.parse(done)).toEqual(done);
  expect(done.history.map((h) => [h.code, h.status, h.applied])).toEqual([
    ['joining_call', 'joining', true],
    ['in_waiting_room', 'waiting_room', true],
    ['in_call_not_recording', 'in_call', true],
    ['in_call_recording', 'recording', true],
    ['call_ended', 'ended', true],
    ['complete', 'collecting', true],
  ]);
  expect(done.startedAt).toBeDefined();
  expect(done.endedAt).toBeDefined();

  // The archived recording is byte for byte the file the provider served.
  const rec = done.recording!;
  expect(rec.status).toBe('archived');
  const file = fs.readFileSync(fileURLToPath(rec.archive!.uri));
  expect(file.length).toBe(meeting.recordingBytes);
  expect(createHash('sha256').update(file).digest('hex')).toBe(meeting.sha256);
  expect(rec.archive!.sha256).toBe(meeting.sha256);
  expect(rec.sourceUrlExpiresAt).toBeDefined();

  // The transcript: normalised utterances in the archive, only counts and names in the view.
  const tr = done.transcript!;
  expect(tr.status).toBe('archived');
  expect(tr.speakers).toEqual(['Alice', 'Bob']);
  const transcript = normalizedTranscriptSchema.parse(JSON.parse(fs.readFileSync(fileURLToPath(tr.archive!.uri), 'utf8')));
  expect(transcript.utterances).toHaveLength(tr.utterances!);
  expect(transcript.utterances.flatMap((u) => u.words ?? [])).toHaveLength(120);

  // Visible to operators through visibility, with the status as a search attribute.
  const listed = await eventually(
    async () => {
      const ids: string[] = [];
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowId = 'meetingbaas:${meeting.botId}' AND MeetingStatus = 'completed' AND MeetingProvider = 'meetingbaas'`,
      })) {
        ids.push(wf.workflowId);
        expect(wf.typedSearchAttributes.get(MeetingStatusKey)).toBe('completed');
      }
      return ids;
    },
    (ids) => ids.length === 1,
  );
  expect(listed).toEqual([`meetingbaas:${meeting.botId}`]);
});
