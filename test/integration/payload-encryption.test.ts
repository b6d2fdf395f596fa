// Issue "Encrypted payloads in Temporal", over the real stack: with PAYLOAD_ENCRYPTION_KEYS, what the
// service writes to Temporal is ciphertext to anyone reading the history without the keys, the meeting
// still completes and reads back through the API, and /codec/* decodes for holders of a read token.
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { findTemporalCli } from '../../scripts/temporal-cli';
import type { EncryptionKey } from '../../contract/payload-codec';
import { refreshRecordingUrlUpdate } from '../../contract/workflow';
import { meetingsDataConverter, TemporalMeetingsClient } from '../../client';
import { API_KEY, READ_TOKEN, startStack, temporalAddress, viewWhenOn, type Stack } from '../helpers/stack';

const MARKER = `Zebediah-${randomBytes(4).toString('hex')}`;
const oldKey: EncryptionKey = { id: 'k-old', key: randomBytes(32) };
const newKey: EncryptionKey = { id: 'k-new', key: randomBytes(32) };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ encryptionKeys: [newKey, oldKey] });
});
afterAll(async () => {
  await stack?.stop();
});
const viewWhen = viewWhenOn(() => stack);

async function deliver(body: unknown): Promise<number> {
  const res = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': API_KEY },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The history as someone with access to Temporal but without the keys reads it. */
async function rawHistory(workflowId: string) {
  const plain = new Client({ connection: stack.client.connection });
  return await plain.workflow.getHandle(workflowId).fetchHistory();
}

const codec = (op: 'encode' | 'decode', body: unknown, token: string | null = READ_TOKEN) =>
  fetch(`${stack.apiUrl}/codec/${op}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

test('a meeting with a marker name: completes; its raw history holds only ciphertext; /codec/decode shows it', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 20 });
  const at = new Date().toISOString();
  // The marker travels in a webhook's provider text (the event's note) into the signal's payload.
  expect(
    await deliver({
      event: 'bot.status_change',
      data: {
        bot_id: meeting.botId,
        status: { code: 'joining_call', created_at: at, error_type: 'info', error_message: MARKER },
      },
    }),
  ).toBe(200);
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed', 60_000);
  expect(done.recording?.status).toBe('archived');
  expect(JSON.stringify(done.history)).toContain(MARKER);

  const workflowId = `meetingbaas:${meeting.botId}`;
  const history = await rawHistory(workflowId);
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(raw.includes(MARKER)).toBe(false);
  expect(raw.includes(done.recording!.archive!.sha256)).toBe(false);
  expect(raw.toString('latin1')).toContain('binary/encrypted');

  // The first signal's payload, as the UI would send it to the codec endpoint.
  const signalled = history.events!.find((e) => e.workflowExecutionSignaledEventAttributes)!;
  const payloads = signalled.workflowExecutionSignaledEventAttributes!.input!.payloads!.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  }));
  expect(Buffer.from(payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('k-new');
  const decoded = await codec('decode', { payloads });
  expect(decoded.status).toBe(200);
  const { payloads: plain } = (await decoded.json()) as { payloads: typeof payloads };
  expect(Buffer.from(plain[0]!.data, 'base64').toString()).toContain(MARKER);
  expect(Buffer.from(plain[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
});

test('/codec/* needs a read token; bad input is a 400; the UI origin gets its CORS preflight', async () => {
  expect((await codec('decode', { payloads: [] }, null)).status).toBe(401);
  expect((await codec('decode', { payloads: 'nope' })).status).toBe(400);
  expect((await codec('decode', { payloads: [{ data: '!!not base64!!' }] })).status).toBe(400);

  // A payload under a key the service does not have: refused, naming the key.
  const foreign = await codec('encode', {
    payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'IjEi' }],
  });
  const { payloads: encrypted } = (await foreign.json()) as {
    payloads: Array<{ metadata: Record<string, string>; data: string }>;
  };
  encrypted[0]!.metadata['encryption-key-id'] = Buffer.from('k-unknown').toString('base64');
  const refused = await codec('decode', { payloads: encrypted });
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { message: string }).message).toMatch(/"k-unknown"/);

  const preflight = await fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:8233',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-namespace',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  const elsewhere = await fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
});

test('the Temporal CLI shows the history decoded through /codec with a read token, and ciphertext without', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 5 });
  expect(
    await deliver({
      event: 'bot.status_change',
      data: {
        bot_id: meeting.botId,
        status: {
          code: 'joining_call',
          created_at: new Date().toISOString(),
          error_type: 'info',
          error_message: MARKER,
        },
      },
    }),
  ).toBe(200);
  const cli = findTemporalCli()!.path;
  // Asynchronously: the CLI calls back into this process's API for the codec.
  const show = async (...extra: string[]) =>
    (
      await promisify(execFile)(
        cli,
        ['workflow', 'show', '--workflow-id', `meetingbaas:${meeting.botId}`, '--output', 'json', ...extra],
        { env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress() }, encoding: 'utf8' },
      )
    ).stdout;
  // The JSON output carries payloads as base64: what a reader sees is their decoded text.
  const readable = (json: string) => {
    const texts: string[] = [];
    JSON.parse(json, (key, value: unknown) => {
      if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString());
      return value;
    });
    return texts.join('\n');
  };
  expect(readable(await show())).not.toContain(MARKER);
  const decoded = await show(
    '--codec-endpoint',
    `${stack.apiUrl}/codec`,
    '--codec-auth',
    `Bearer ${READ_TOKEN}`,
  );
  expect(readable(decoded)).toContain(MARKER);
});

test('a failure raised in workflow code (an Update refused by its validator) reaches Temporal encrypted', async () => {
  const botId = `no-final-${randomBytes(4).toString('hex')}`;
  expect(
    await deliver({
      event: 'bot.status_change',
      data: { bot_id: botId, status: { code: 'joining_call', created_at: new Date().toISOString() } },
    }),
  ).toBe(200);
  const workflowId = `meetingbaas:${botId}`;
  // What Temporal relays for the refusal, read with a bare gRPC call (no data converter at all).
  const { outcome } = await stack.client.workflowService.updateWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
    waitPolicy: {
      lifecycleStage:
        temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
          .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
    },
    request: {
      meta: { updateId: `test-${randomBytes(4).toString('hex')}`, identity: 'payload-encryption.test' },
      input: { name: refreshRecordingUrlUpdate.name },
    },
  });
  const failure = outcome!.failure!;
  const raw = Buffer.from(temporal.api.failure.v1.Failure.encode(failure).finish());
  expect(raw.includes('no recording URL yet')).toBe(false);
  expect(failure.message).toBe('Encoded failure');
  expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
  // The service, with the keys, still tells the caller why.
  const res = await stack.api(`/meetings/meetingbaas/${botId}/recording-url`, { method: 'POST' });
  expect(res.status).toBe(409);
  expect(((await res.json()) as { message: string }).message).toMatch(/no recording URL yet/);
});

test('the typed client reads encrypted meetings with the keys given, or those of PAYLOAD_ENCRYPTION_KEYS', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 5 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  await viewWhen(meeting.botId, (v) => v.status === 'ended');
  const { connection } = stack.client;
  const given = TemporalMeetingsClient.create({ connection, encryptionKeys: [oldKey, newKey] });
  expect((await given.getMeeting('meetingbaas', meeting.botId)).status).toBe('ended');
  const fromEnv = new TemporalMeetingsClient(
    new Client({
      connection,
      dataConverter: meetingsDataConverter(undefined, {
        PAYLOAD_ENCRYPTION_KEYS: `${newKey.id}:${newKey.key.toString('base64')},${oldKey.id}:${oldKey.key.toString('base64')}`,
      }),
    }),
  );
  expect((await fromEnv.getMeeting('meetingbaas', meeting.botId)).status).toBe('ended');
  // Without the keys, the query's answer cannot be read.
  await expect(
    TemporalMeetingsClient.create({ connection }, { callTimeoutMs: 5000 }).getMeeting(
      'meetingbaas',
      meeting.botId,
    ),
  ).rejects.toThrow(/binary\/encrypted|encoding/i);
});
