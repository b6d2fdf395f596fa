// Issue "No meeting stuck, lost or mislabelled", part 1: a provider's retry storm repeats the same webhook.
// With DELIVERY_DEDUPE_SECONDS the API signals a webhook once and answers its duplicates 200 without a
// signal (api/recent-deliveries.ts), so they cost the meeting nothing of Temporal's 10,000 signals per
// execution; a new event is signalled as before, and a duplicate after the window reaches the meeting again,
// which records it once all the same.
import { temporal } from '@temporalio/proto';
import { API_KEY, startStack, viewWhenOn, type Stack } from '../helpers/stack';

const WINDOW_SECONDS = 2;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ dedupeSeconds: WINDOW_SECONDS });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);

const status = (botId: string, code: string, at: string) => ({
  event: 'bot.status_change',
  data: { bot_id: botId, status: { code, created_at: at } },
});

async function deliver(body: unknown): Promise<number> {
  const res = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': API_KEY },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

async function signalsOf(botId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(`meetingbaas:${botId}`).fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  ).length;
}

test('300 deliveries of one webhook: all 200, one signal; a new event is signalled; after the window, once more', async () => {
  const botId = `dedupe-${Date.now()}`;
  const joining = status(botId, 'joining_call', new Date(Date.now() - 60_000).toISOString());

  const answers = [];
  const stormStarted = Date.now();
  for (let round = 0; round < 30; round++)
    answers.push(...(await Promise.all(Array.from({ length: 10 }, () => deliver(joining)))));
  // The first round's 10 race each other into the meeting before one is remembered, and on a loaded machine
  // the client's own retry of a slow signal call can land one twice: a few signals, never one per delivery.
  // A storm slower than the window (a loaded machine) starts such a race again in each window it spans.
  const windows = Math.ceil((Date.now() - stormStarted) / (WINDOW_SECONDS * 1000));
  expect(answers.every((s) => s === 200)).toBe(true);
  const afterStorm = await signalsOf(botId);
  expect(afterStorm).toBeGreaterThanOrEqual(1);
  expect(afterStorm).toBeLessThanOrEqual(Math.min(20 * windows, 100));

  expect(await deliver(status(botId, 'in_waiting_room', new Date().toISOString()))).toBe(200);
  expect(await signalsOf(botId)).toBe(afterStorm + 1);

  await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 200));
  expect(await deliver(joining)).toBe(200);
  expect(await signalsOf(botId)).toBe(afterStorm + 2);

  // Every signal of the same webhook is recorded once in the meeting's view.
  const view = await viewWhen(botId, (v) => v.status === 'waiting_room');
  expect(view.history.filter((h) => h.code === 'joining_call')).toHaveLength(1);
});
