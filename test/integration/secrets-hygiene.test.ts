// Secrets handed to the service never come out where people and other systems read: full meetings of every
// kind run on the real stack (API and worker logging through the real logger into a buffer), then every
// log line, every workflow history (payloads decoded), the UI's current details, the views and the metrics
// are searched for each secret: credentials, the meeting password, the speech_to_text key, and the
// signature of every presigned URL the service met. The one exception is the contract's own: the URL
// the refreshRecordingUrl Update hands out (its result, and the result of the activity that fetched it).
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { directoryArchive } from '../../dev/test-archive';
import type { MeetingView } from '../../domain/view';
import { createLogger } from '../../platform/logger';
import { webexWebhookBody } from '../../simulator/webex/webhooks';
import {
  API_KEY,
  postJson,
  READ_TOKEN,
  startStack,
  viewWhenOn,
  WEBEX_TOKEN,
  WEBEX_WEBHOOK_SECRET,
  WEBHOOK_SECRET,
  WRITE_TOKEN,
  type Stack,
} from '../helpers/stack';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const PASSWORD = `pwd${hex(8)}`;
const STT_KEY = `stt${hex(12)}`;
const MEETING_URL = `https://us02web.zoom.us/j/8512345678?pwd=${PASSWORD}`;

/** Activities that serve the refreshRecordingUrl Update: their result is the Update's result. */
const UPDATE_ACTIVITIES = new Set(['refreshMeetingBaasRecordingUrl', 'refreshWebexRecordingUrl']);
const SIGNATURE = /X-Amz-Signature=([0-9a-f]+)/gi;

const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});
const log = createLogger('secrets-hygiene', { LOG_LEVEL: 'trace', LOG_FORMAT: 'json' }, sink);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    // Directory-only: the test reads every stored webhook body and bot request from the directory.
    archive: directoryArchive,
    log,
    // Open after the end, so that the Update and the UI's details can still be asked for.
    lingerSeconds: 120,
    watchdog: { finalDataTimeoutSeconds: 2, finalDataDeadlineSeconds: 30, reconcileIntervalSeconds: 1 },
    webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 2, assetDeadlineSeconds: 20 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const webexViewWhen = viewWhenOn(() => stack, 'webex');
const completed = (v: MeetingView) => v.status === 'completed';

/** Every workflow of the scenario, every presigned URL signature met, every URL the Update handed out. */
const workflowIds = new Set<string>();
const signatures = new Set<string>();
const handedOut = new Set<string>();
const views: string[] = [];

function noteSignatures(text: string): void {
  for (const m of text.matchAll(SIGNATURE)) signatures.add(m[1]!.toLowerCase());
}

/**
 * The provider's signed URL through the refreshRecordingUrl Update (POST …/recording-url) while logging, which
 * the log must not hold; GET …/recording of an archived recording redirects to our own copy instead.
 */
async function redirectOf(provider: 'meetingbaas' | 'webex', id: string): Promise<string> {
  const own = await stack.api(`/meetings/${provider}/${id}/recording`, { redirect: 'manual' });
  expect(own.status).toBe(302);
  expect(own.headers.get('location')).toBe(`/meetings/${provider}/${id}/recording/file`);
  const res = await stack.api(`/meetings/${provider}/${id}/recording-url`, { method: 'POST' });
  expect(res.status).toBe(200);
  const location = ((await res.json()) as { url: string }).url;
  expect(location).toMatch(SIGNATURE);
  noteSignatures(location);
  handedOut.add(location);
  return location;
}

test('a Meeting BaaS v1 bot sent with POST /bots (meeting password, speech_to_text key), removed and collected', async () => {
  // The bot's recording URL has expired by the time it is downloaded: refreshed through the provider.
  stack.sim.meetingBaas.bots.scenario = { recordingBytes: 20_000, words: 30, urlExpiresSeconds: 0 };
  const sent = await stack.api('/bots', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `hygiene-${hex(4)}` },
    body: JSON.stringify({
      meeting_url: MEETING_URL,
      bot_name: 'Notetaker',
      speech_to_text: { provider: 'Gladia', api_key: STT_KEY },
      automatic_leave: { waiting_room_timeout: 300 },
    }),
  });
  expect(sent.status).toBe(201);
  const { botId, requestId, workflowId } = (await sent.json()) as Record<
    'botId' | 'requestId' | 'workflowId',
    string
  >;
  workflowIds.add(requestId).add(workflowId);
  // The provider got the request whole.
  expect(stack.sim.meetingBaas.bots.sent.at(-1)?.meetingUrl).toBe(MEETING_URL);

  const live = await viewWhen(botId, (v) => v.status === 'recording');
  expect(live.history.find((h) => h.code === 'bot_requested')?.note).toContain(
    `bot "Notetaker" sent to https://us02web.zoom.us/j/8512345678?pwd=***`,
  );
  // A provider message quoting the meeting URL (an unknown code: recorded, changes nothing).
  const warned = await postJson(stack.webhookUrl, {
    event: 'bot.status_change',
    data: {
      bot_id: botId,
      status: {
        code: 'meeting_url_warning',
        created_at: new Date().toISOString(),
        error_type: 'Warning',
        error_message: `the meeting ${MEETING_URL} asks for a passcode`,
      },
    },
  });
  expect(warned.status).toBe(200);

  expect((await stack.api(`/bots/${botId}`, { method: 'DELETE' })).status).toBe(202);
  const done = await viewWhen(botId, completed);
  expect(done.recording?.status).toBe('archived');
  expect(done.transcript?.status).toBe('archived');
  expect(done.history.find((h) => h.code === 'meeting_url_warning')?.note).toContain('pwd=***');
  await redirectOf('meetingbaas', botId);
});

test('a Meeting BaaS v1 meeting whose final webhook never comes: reconciled through the API', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000, words: 20 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const done = await viewWhen(meeting.botId, completed);
  expect(done.history.at(-1)).toMatchObject({ code: 'complete', source: 'api' });
  expect(done.recording?.status).toBe('archived');
  workflowIds.add(done.workflowId);
});

test('a Meeting BaaS v2 meeting (Svix-signed webhooks, presigned video and transcription)', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 15_000, words: 40 });
  const deliveries = await stack.sim.meetingBaasV2.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);
  for (const d of deliveries) noteSignatures(JSON.stringify(d));
  const done = await viewWhen(meeting.botId, completed);
  expect(done.transcript?.status).toBe('archived');
  workflowIds.add(done.workflowId);
  // The URL of bot.completed is still good for hours: the Update hands out that one.
  await redirectOf('meetingbaas', meeting.botId);
});

let recordingPassword = '';
test('a Webex meeting: signed webhooks (a recording announced with its password), assets collected', async () => {
  const meeting = stack.sim.webex.addMeeting({
    recordings: [{ bytes: 30_000 }],
    participants: 3,
    snippets: 4,
  });
  const recordingWebhook = webexWebhookBody(
    stack.sim.webex.meeting(meeting.meetingId),
    'recordings',
    'created',
  );
  recordingPassword = (recordingWebhook.data as { password?: string }).password ?? '';
  expect(recordingPassword).not.toBe('');
  const url = stack.webexWebhookUrl;
  expect((await stack.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', url)).status).toBe(200);
  expect((await stack.sim.webex.sendWebhook(meeting.meetingId, 'recordings', 'created', url)).status).toBe(
    200,
  );
  const done = await webexViewWhen(meeting.meetingId, completed);
  expect(done.recording?.status).toBe('archived');
  workflowIds.add(done.workflowId);
  await redirectOf('webex', meeting.meetingId);
});

/** A history as text: its JSON, and the JSON of every payload (the converter stores them base64). */
async function historyText(handle: WorkflowHandle): Promise<{ text: string; allowed: string }> {
  const events = JSON.parse(historyToJSON(await handle.fetchHistory())) as {
    events: Array<Record<string, any>>;
  };
  const updateActivities = new Set<string>();
  for (const e of events.events) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name as string | undefined;
    if (type && UPDATE_ACTIVITIES.has(type)) updateActivities.add(String(e.eventId));
  }
  const isAllowed = (e: Record<string, any>) =>
    e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED' ||
    (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED' &&
      updateActivities.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)));
  const render = (list: Array<Record<string, any>>) => {
    const decoded: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (!value || typeof value !== 'object') return;
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'data' && typeof inner === 'string')
          decoded.push(Buffer.from(inner, 'base64').toString('utf8'));
        else walk(inner);
      }
    };
    walk(list);
    return [JSON.stringify(list), ...decoded].join('\n');
  };
  return {
    text: render(events.events.filter((e) => !isAllowed(e))),
    allowed: render(events.events.filter(isAllowed)),
  };
}

/** Which of `secrets` occur in `text`, by name. */
function found(text: string, secrets: Record<string, string>): string[] {
  const lower = text.toLowerCase();
  return Object.entries(secrets)
    .filter(([, value]) => value && lower.includes(value.toLowerCase()))
    .map(([name]) => name);
}

describe('after the meetings: every secret the service was handed', () => {
  let secrets: Record<string, string>;
  beforeAll(() => {
    // Every presigned URL the worker downloaded from (the simulator logs each request it answered), and
    // every one in a final body the service claim-checked (webhooks and the API's answers).
    for (const r of stack.sim.faults.requests) noteSignatures(`?${r.query}`);
    const inbox = path.join(stack.archiveDir, 'inbox');
    for (const file of fs.readdirSync(inbox, { recursive: true, encoding: 'utf8' })) {
      const full = path.join(inbox, file);
      if (fs.statSync(full).isFile()) noteSignatures(fs.readFileSync(full, 'utf8'));
    }
    secrets = {
      'Meeting BaaS API key': API_KEY,
      'Svix secret': WEBHOOK_SECRET,
      'Svix secret (key)': WEBHOOK_SECRET.slice('whsec_'.length),
      'Webex webhook secret': WEBEX_WEBHOOK_SECRET,
      'Webex access token': WEBEX_TOKEN,
      'API read token': READ_TOKEN,
      'API write token': WRITE_TOKEN,
      'meeting password': PASSWORD,
      'speech_to_text key': STT_KEY,
      'Webex recording password': recordingPassword,
      ...Object.fromEntries([...signatures].map((s, i) => [`presigned URL signature #${i + 1}`, s])),
    };
  });

  test('the scenario met the secrets it means to look for', () => {
    // The recordings of all four meetings, the v2 transcription, the refreshed ones, the Updates' URLs.
    expect(signatures.size).toBeGreaterThanOrEqual(6);
    expect(handedOut.size).toBe(3);
    expect(workflowIds.size).toBe(5);
    expect(logLines.length).toBeGreaterThan(20);
    // The worker's lines are in the buffer too (workflows and activities log through the same logger).
    expect(logLines.some((l) => l.includes('"activityType"') || l.includes('"workflowType"'))).toBe(true);
  });

  test('the logs (API and worker) hold none of them', () => {
    const text = logLines.join('');
    expect(found(text, secrets)).toEqual([]);
    expect(text).not.toMatch(/X-Amz-(Signature|Credential)/i);
    // The redirects were logged: to our own archived copy (GET …/recording once archived).
    expect(text).toMatch(/"location":"\/meetings\/(meetingbaas|webex)\/[^"?]+\/recording\/file"/);
  });

  test('the workflow histories hold none of them, but in the Update results', async () => {
    let exception = '';
    for (const id of workflowIds) {
      const { text, allowed } = await historyText(stack.client.workflow.getHandle(id));
      exception += allowed;
      expect({ id, found: found(text, secrets) }).toEqual({ id, found: [] });
      expect(text).not.toMatch(/X-Amz-(Signature|Credential)/i);
      // Nothing but the signatures of the URLs handed out is in the exception.
      const others = Object.fromEntries(
        Object.entries(secrets).filter(([name]) => !name.startsWith('presigned URL signature')),
      );
      expect({ id, found: found(allowed, others) }).toEqual({ id, found: [] });
    }
    // The exception holds exactly what the Updates handed out (so the filter above hides nothing else).
    for (const url of handedOut) expect(exception).toContain(url);
  });

  test('the UI summaries and current details hold none of them', async () => {
    for (const id of workflowIds) {
      const handle = stack.client.workflow.getHandle(id);
      const description = await handle.describe();
      // The current details (a running workflow answers; the request workflow has finished).
      const metadata = await handle.query<unknown>('__temporal_workflow_metadata').catch(() => undefined);
      const text = JSON.stringify({
        summary: await description.staticSummary(),
        details: await description.staticDetails(),
        metadata,
      });
      expect({ id, found: found(text, secrets) }).toEqual({ id, found: [] });
    }
  });

  test('the views, the meeting list and the metrics hold none of them', async () => {
    for (const id of workflowIds) {
      const [provider, externalId] = id.split(/:(.*)/s);
      if (provider !== 'meetingbaas' && provider !== 'webex') continue;
      const res = await stack.api(`/meetings/${provider}/${externalId}`);
      expect(res.status).toBe(200);
      views.push(await res.text());
    }
    expect(views).toHaveLength(4);
    const list = await (await stack.api('/meetings')).text();
    const metrics = await (await stack.api('/metrics')).text();
    for (const text of [...views, list, metrics]) expect(found(text, secrets)).toEqual([]);
  });
});

test('the bot request went by reference and is not kept: deleted from the archive once the provider answered', () => {
  // The provider got it whole (the meeting URL with its password, above); nothing of it stays here.
  expect(stack.sim.meetingBaas.bots.sent.at(-1)?.meetingUrl).toBe(MEETING_URL);
  const dir = path.join(stack.archiveDir, 'requests', 'meetingbaas');
  expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
});
