// POST /webhooks/webex over HTTP: X-Spark-Signature (hex HMAC-SHA1 of the raw bytes), validation, events
// that are not a meeting instance's. No worker: the signal is accepted by Temporal without one.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startStack, WEBEX_WEBHOOK_SECRET, type Stack } from '../helpers/stack';

const SEED_ENDED = fs.readFileSync(path.resolve(__dirname, '../fixtures/webex/meeting-ended.json'), 'utf8');
const seedBody = JSON.parse(SEED_ENDED) as { data: Record<string, unknown> } & Record<string, unknown>;

let stack: Stack;
let n = 0;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const sign = (raw: string, secret = WEBEX_WEBHOOK_SECRET) =>
  createHmac('sha1', secret).update(raw).digest('hex');

async function post(raw: string, headers: Record<string, string>) {
  const res = await fetch(stack.webexWebhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const postSigned = (raw: string) => post(raw, { 'x-spark-signature': sign(raw) });

/** The seed's ended notification for a fresh meeting instance (ids are unique per workflow). */
function endedFor(): { raw: string; instanceId: string } {
  const instanceId = `501e995485e2460bb129410116757b13_I_${Date.now()}${n++}`;
  return { raw: JSON.stringify({ ...seedBody, data: { ...seedBody.data, id: instanceId } }), instanceId };
}

test('the seed payload with a valid signature: 200 and the instance workflow id', async () => {
  const { raw, instanceId } = endedFor();
  const res = await postSigned(raw);
  expect(res).toEqual({ status: 200, body: { workflowId: `webex:${instanceId}` } });
});

test('a wrong signature: 401, nothing started', async () => {
  const { raw, instanceId } = endedFor();
  const res = await post(raw, { 'x-spark-signature': sign(raw, 'another-secret') });
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ error: 'unauthorized' });
  await expect(stack.client.workflow.getHandle(`webex:${instanceId}`).describe()).rejects.toThrow();
});

test('no signature: 401', async () => {
  const { raw } = endedFor();
  const res = await post(raw, {});
  expect(res.status).toBe(401);
  expect(String(res.body.message)).toMatch(/X-Spark-Signature/);
});

test('the same JSON re-serialized differently from the signed bytes: 401', async () => {
  const { raw } = endedFor();
  const reserialized = JSON.stringify(JSON.parse(raw), null, 2);
  expect(JSON.parse(reserialized)).toEqual(JSON.parse(raw));
  const res = await post(reserialized, { 'x-spark-signature': sign(raw) });
  expect(res.status).toBe(401);
});

test('a signature that is not hex SHA-1 at all: 401, not a crash', async () => {
  const { raw } = endedFor();
  expect((await post(raw, { 'x-spark-signature': 'zz' })).status).toBe(401);
  expect((await post(raw, { 'x-spark-signature': `sha1=${sign(raw)}` })).status).toBe(401);
});

test('signed but invalid: 400 invalid_payload with the issues; not JSON: 400 invalid_json', async () => {
  const raw = JSON.stringify({ ...seedBody, data: { ...seedBody.data, id: undefined } });
  const res = await postSigned(raw);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: 'invalid_payload', issues: expect.any(Array) });
  const notJson = await postSigned('{"resource": ');
  expect(notJson.status).toBe(400);
  expect(notJson.body).toMatchObject({ error: 'invalid_json' });
});

test('an event type the service does not handle: 202 ignored', async () => {
  const raw = JSON.stringify({ ...seedBody, resource: 'messages', event: 'created' });
  expect(await postSigned(raw)).toEqual({
    status: 202,
    body: { ignored: true, message: 'messages.created is not handled' },
  });
});

test('a series meeting updated: 202 ignored with the reason (meetings are followed per instance)', async () => {
  const raw = JSON.stringify({
    ...seedBody,
    event: 'updated',
    data: { ...seedBody.data, id: '501e995485e2460bb129410116757b13' },
  });
  const res = await postSigned(raw);
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ ignored: true, message: expect.stringMatching(/series meeting/) });
});

test('meetings.created with auto-record off: 202 ignored, nothing started', async () => {
  const id = `a${Date.now()}b_20261121T100000Z`;
  const raw = JSON.stringify({ ...seedBody, event: 'created', data: { ...seedBody.data, id } });
  const res = await postSigned(raw);
  expect(res).toEqual({
    status: 202,
    body: { ignored: true, message: 'automatic recording is off (WEBEX_AUTO_RECORD)' },
  });
});

test('not JSON content type: 415', async () => {
  const { raw } = endedFor();
  const res = await fetch(stack.webexWebhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-spark-signature': sign(raw) },
    body: raw,
  });
  expect(res.status).toBe(415);
});

test('with no WEBEX_WEBHOOK_SECRET configured, even a signed delivery is refused (401)', async () => {
  const unconfigured = await startStack({ worker: false, webexWebhookSecret: null });
  try {
    const { raw } = endedFor();
    const res = await fetch(unconfigured.webexWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': sign(raw) },
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/WEBEX_WEBHOOK_SECRET/);
  } finally {
    await unconfigured.stop();
  }
});
