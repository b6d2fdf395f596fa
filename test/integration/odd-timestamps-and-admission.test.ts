// Issue "No meeting stuck, lost or mislabelled", parts 3 and 4, provoked over HTTP against the real stack:
// provider timestamps are evidence, not law; a bot never admitted is never `completed`.
import type { TypedSearchAttributes } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { MeetingEndedAtKey, MeetingStatusKey } from '../../contract/search-attributes';
import { meetingViewSchema, type MeetingView } from '../../domain/view';
import { eventually, postJson, startStack, viewWhenOn, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);

type Body = { event: string; data: { bot_id: string; status?: { code: string; created_at: unknown } } };

/** The simulated meeting's webhooks by status code (and `complete`), to be sent one by one. */
function webhooksOf(botId: string): Map<string, Body> {
  const bodies = stack.sim.meetingBaas.webhooks(botId, 'all') as Body[];
  return new Map(bodies.map((b) => [b.data.status?.code ?? b.event, b]));
}

const statusChange = (botId: string, code: string, createdAt: unknown): Body => ({
  event: 'bot.status_change',
  data: { bot_id: botId, status: { code, created_at: createdAt } },
});

const withCreatedAt = (body: Body, createdAt: unknown): Body => ({
  ...body,
  data: { ...body.data, status: { ...body.data.status!, created_at: createdAt } },
});

async function send(...bodies: Body[]): Promise<void> {
  for (const body of bodies) {
    const res = await postJson(stack.webhookUrl, body);
    expect(res).toMatchObject({ status: 200, body: { workflowId: `meetingbaas:${body.data.bot_id}` } });
  }
}

/** The meeting's search attributes, as visibility has them once it lists the meeting as `status`. */
async function searchAttributes(botId: string, status: string): Promise<TypedSearchAttributes> {
  const found = await eventually<TypedSearchAttributes | undefined>(
    async () => {
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowId = 'meetingbaas:${botId}' AND MeetingStatus = '${status}'`,
      }))
        return wf.typedSearchAttributes;
      return undefined;
    },
    (attributes) => attributes !== undefined,
  );
  return found!;
}

const FAR_FUTURE = '9999-12-31T23:59:59-23:59';

test('a far-future created_at on a status and on call_ended: accepted, the meeting completes, MeetingEndedAt is real', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 25 });
  const hooks = webhooksOf(meeting.botId);
  const sentFrom = Date.now();
  await send(
    withCreatedAt(hooks.get('joining_call')!, FAR_FUTURE),
    hooks.get('in_waiting_room')!,
    hooks.get('in_call_not_recording')!,
    hooks.get('in_call_recording')!,
    withCreatedAt(hooks.get('call_ended')!, FAR_FUTURE),
  );
  // Never frozen: every later status was applied, none "older than the current state".
  const ended = await viewWhen(meeting.botId, (v) => v.status === 'ended');
  expect(ended.history.map((h) => [h.code, h.applied])).toEqual([
    ['joining_call', true],
    ['in_waiting_room', true],
    ['in_call_not_recording', true],
    ['in_call_recording', true],
    ['call_ended', true],
  ]);
  for (const entry of [ended.history[0]!, ended.history[4]!]) {
    expect(entry.note).toMatch(/not a readable date: placed at its receipt time/);
    expect(entry.note).toContain(FAR_FUTURE);
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(sentFrom - 1000);
    expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now());
  }
  // The end is the receipt of that call_ended: a real date.
  expect(ended.endedAt).toBe(ended.history[4]!.at);

  await send(hooks.get('complete')!);
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(meetingViewSchema.parse(done)).toEqual(done);
  expect(done.transcript?.status).toBe('archived');

  // Readable over HTTP (no 503), and the search attributes hold a real MeetingEndedAt.
  const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}`);
  expect(res.status).toBe(200);
  const attributes = await searchAttributes(meeting.botId, 'completed');
  expect(attributes.get(MeetingStatusKey)).toBe('completed');
  const endedAt = attributes.get(MeetingEndedAtKey);
  expect(endedAt).toBeInstanceOf(Date);
  expect(endedAt!.toISOString()).toBe(done.endedAt);
});

test('a readable created_at years ahead: placed at its receipt with a note, later statuses still applied', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 10 });
  const hooks = webhooksOf(meeting.botId);
  await send(
    withCreatedAt(hooks.get('joining_call')!, '2999-01-01T00:00:00Z'),
    hooks.get('in_waiting_room')!,
    hooks.get('in_call_recording')!,
    hooks.get('call_ended')!,
    hooks.get('complete')!,
  );
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.history[0]!.note).toMatch(/years ahead of its receipt/);
  expect(done.history.slice(0, 4).every((h) => h.applied)).toBe(true);
  // call_ended had a real timestamp: it dates the end.
  expect(done.endedAt).toBe(new Date(meeting.startedAtMs + 4 * 60_000).toISOString());
});

test.each<[string, unknown]>([
  ['garbage', 'not a date'],
  ['a number', 1704110400000],
  ['year 0', '0000-01-01T00:00:00Z'],
  ['year 275760', '+275760-09-13T00:00:00.000Z'],
  ['February 30', '2024-02-30T12:00:00Z'],
])(
  'a created_at that is %s: accepted (200), recorded with a note, the meeting goes on',
  async (_name, createdAt) => {
    const botId = `odd-${Math.random().toString(36).slice(2)}`;
    await send(statusChange(botId, 'joining_call', createdAt));
    await send(statusChange(botId, 'in_waiting_room', new Date().toISOString()));
    const v = await viewWhen(botId, (x) => x.history.length === 2);
    expect(v.status).toBe('waiting_room');
    expect(v.history[0]).toMatchObject({ code: 'joining_call', applied: true });
    expect(v.history[0]!.note).toMatch(/not a readable date/);
    expect(v.history[0]!.note).toContain(JSON.stringify(String(createdAt)));
    expect(Number.isNaN(Date.parse(v.history[0]!.at))).toBe(false);
    expect(v.history[1]).toMatchObject({ code: 'in_waiting_room', applied: true });
    expect(v.history[1]!.note).toBeUndefined();
  },
);

test('a created_at with an offset is read at its instant, no note', async () => {
  const botId = `offset-${Math.random().toString(36).slice(2)}`;
  await send(statusChange(botId, 'joining_call', '2024-01-01T14:00:00+02:00'));
  const v = await viewWhen(botId, (x) => x.history.length === 1);
  expect(v.history[0]).toMatchObject({ at: '2024-01-01T12:00:00.000Z', applied: true });
  expect(v.history[0]!.note).toBeUndefined();
});

describe('a bot never admitted is never completed', () => {
  async function removedFromTheWaitingRoom(scenario: object): Promise<MeetingView> {
    const meeting = stack.sim.meetingBaas.create(scenario);
    const hooks = webhooksOf(meeting.botId);
    const removedAt = new Date(meeting.startedAtMs + 2 * 60_000).toISOString();
    await send(
      hooks.get('joining_call')!,
      hooks.get('in_waiting_room')!,
      statusChange(meeting.botId, 'bot_removed', removedAt),
      hooks.get('complete')!,
    );
    return viewWhen(meeting.botId, (v) => v.status === 'completed' || v.status === 'failed');
  }

  test('in_waiting_room -> bot_removed -> complete with no words: failed bot_not_admitted', async () => {
    const done = await removedFromTheWaitingRoom({ words: 0 });
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({ code: 'bot_not_admitted', message: expect.any(String) });
    expect(done.endReason).toBe('bot_removed');
    expect(done.history.some((h) => h.status === 'completed')).toBe(false);
    // What the provider sent is still archived: the recording (no duration) and the empty transcript.
    expect(done.recording?.status).toBe('archived');
    expect(done.transcript).toMatchObject({ status: 'archived', utterances: 0 });
    const attributes = await searchAttributes(done.externalId, 'failed');
    expect(attributes.get(MeetingStatusKey)).toBe('failed');
  });

  test('in_waiting_room -> bot_removed -> complete without any transcript: failed bot_not_admitted', async () => {
    const done = await removedFromTheWaitingRoom({ transcript: false });
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('bot_not_admitted');
  });

  test('in_waiting_room -> bot_removed -> complete whose transcript has words: the bot was in (lost status), completed', async () => {
    const done = await removedFromTheWaitingRoom({ words: 30 });
    expect(done.status).toBe('completed');
    expect(done.error).toBeUndefined();
    expect(done.transcript?.utterances).toBeGreaterThan(0);
  });

  test('in_waiting_room then complete with no words (the in_call status lost, or never sent): failed bot_not_admitted', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 0 });
    const hooks = webhooksOf(meeting.botId);
    await send(hooks.get('joining_call')!, hooks.get('in_waiting_room')!, hooks.get('complete')!);
    const done = await viewWhen(meeting.botId, (v) => v.status === 'completed' || v.status === 'failed');
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('bot_not_admitted');
  });

  test('bot_rejected then complete with no words: failed bot_not_admitted (after looking at the data)', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 0 });
    const hooks = webhooksOf(meeting.botId);
    const rejectedAt = new Date(meeting.startedAtMs + 2 * 60_000).toISOString();
    await send(
      hooks.get('joining_call')!,
      hooks.get('in_waiting_room')!,
      statusChange(meeting.botId, 'bot_rejected', rejectedAt),
      hooks.get('complete')!,
    );
    const done = await viewWhen(meeting.botId, (v) => v.status === 'completed' || v.status === 'failed');
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('bot_not_admitted');
    expect(done.endReason).toBe('bot_rejected');
  });
});

test('the histories of these new paths (with their patch markers) replay without non-determinism', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 0 });
  const hooks = webhooksOf(meeting.botId);
  await send(
    withCreatedAt(hooks.get('joining_call')!, FAR_FUTURE),
    hooks.get('in_waiting_room')!,
    // Older than the joining_call placed at its receipt, yet forward: applied.
    withCreatedAt(hooks.get('in_waiting_room')!, '2001-01-01T00:00:00Z'),
    withCreatedAt(hooks.get('joining_call')!, '2999-01-01T00:00:00Z'),
    statusChange(meeting.botId, 'bot_removed', FAR_FUTURE),
    hooks.get('complete')!,
  );
  const done = await viewWhen(meeting.botId, (v) => v.status === 'failed');
  expect(done.error?.code).toBe('bot_not_admitted');
  const handle = stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`);
  await handle.result();
  const history = await handle.fetchHistory();
  const patches = (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const id = e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!;
      return (JSON.parse(Buffer.from(id).toString()) as { id: string }).id;
    });
  // These rules' markers, among those of the other patches a new run asks.
  expect(patches).toEqual(
    expect.arrayContaining([
      'final-data-watchdog',
      'late-events-move-forward',
      'never-admitted-never-completed',
      'provider-time-evidence',
    ]),
  );
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! }, replayName: meeting.botId },
    history,
  );
});
