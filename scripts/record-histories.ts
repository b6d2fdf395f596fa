// `npm run record-histories`: runs a set of scripted meetings on a throwaway dev server and stores their
// workflow histories in test/histories/. test/replay.test.ts replays them against the current workflow
// code, so a change that would break meetings already running fails CI. Record new ones when the
// workflow changes on purpose (and keep the old ones: running workflows still have those histories).
// `npm run record-histories -- NAME...` records only the scenarios named (all of them otherwise, each file
// rewritten).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseEncryptionKeys } from '../contract/encryption-keys';
import { MEETING_WORKFLOW_TYPE, type MeetingWorkflowInput } from '../contract/workflow';
import { startEphemeralTemporal } from '../dev/ephemeral-temporal';
import { eventually } from '../dev/eventually';
import { quietRuntime, startStack, type StackOptions } from '../dev/stack';
import type { MeetingView } from '../domain/view';
import type { PlayOptions } from '../simulator/meetingbaas/routes';
import type { ScenarioInput } from '../simulator/meetingbaas/scenario';
import type { WebexScenarioInput } from '../simulator/webex/routes';
import type { WebexEvent, WebexResource } from '../simulator/webex/webhooks';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** Plays a meeting's webhooks to the stack and returns its workflow id. */
const played =
  (meeting: ScenarioInput, play: Partial<PlayOptions> = {}) =>
  async (stack: Stack): Promise<string> => {
    const m = stack.sim.meetingBaas.create(meeting);
    await stack.sim.meetingBaas.play(m.botId, { webhookUrl: stack.webhookUrl, ...play });
    return `meetingbaas:${m.botId}`;
  };

/** A Webex meeting: its webhooks in order, and its workflow id. */
const webexPlayed =
  (meeting: WebexScenarioInput, webhooks: Array<[WebexResource, WebexEvent]>) =>
  async (stack: Stack): Promise<string> => {
    const m = stack.sim.webex.addMeeting(meeting);
    for (const [resource, event] of webhooks)
      await stack.sim.webex.sendWebhook(m.meetingId, resource, event, stack.webexWebhookUrl);
    return `webex:${m.meetingId}`;
  };

/** The meeting's view (GET /meetings/:provider/:id) once `done` holds. */
const viewWhen = (stack: Stack, workflowId: string, done: (v: MeetingView) => boolean) => {
  const [provider, id] = workflowId.split(':') as [string, string];
  return eventually(
    async () => (await stack.api(`/meetings/${provider}/${id}`)).json() as Promise<MeetingView>,
    (v) => !!v && 'status' in v && done(v),
  );
};

/** POST /bots to a new Google Meet URL; the bot and request ids. */
const sendBot = async (stack: Stack, name: string) => {
  const res = await stack.api(`/bots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      meeting_url: `https://meet.google.com/${name}-${Date.now()}`,
      bot_name: 'Recorder',
    }),
  });
  return (await res.json()) as { botId: string; requestId: string };
};

/** A Meeting BaaS meeting's joining_call and in_call_recording webhooks, and nothing more. */
const joinedAndRecording = (live: boolean) => async (stack: Stack) => {
  const m = stack.sim.meetingBaas.create({ recordingBytes: 10_000, words: 10 });
  m.live = live;
  await stack.sim.meetingBaas.sendWebhooks(m.botId, stack.webhookUrl, (body) =>
    ['joining_call', 'in_call_recording'].includes(
      (body as { data: { status?: { code?: string } } }).data.status?.code ?? '',
    ),
  );
  return `meetingbaas:${m.botId}`;
};

/** A Meeting BaaS meeting whose `complete` is held back: failed final_event_missing, lingering. */
const failedForWantOfData = async (stack: Stack) => {
  const m = stack.sim.meetingBaas.create({ dataPublished: false, recordingBytes: 20_000, words: 10 });
  await stack.sim.meetingBaas.play(m.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const workflowId = `meetingbaas:${m.botId}`;
  await viewWhen(stack, workflowId, (v) => v.error?.code === 'final_event_missing');
  const sendComplete = async () => {
    const [delivery] = await stack.sim.meetingBaas.sendWebhooks(
      m.botId,
      stack.webhookUrl,
      (body) => (body as { event: string }).event === 'complete',
    );
    if (delivery?.status !== 200) throw new Error(`the late complete was answered ${delivery?.status}`);
  };
  return { workflowId, sendComplete };
};

/** A Meeting BaaS meeting whose recording download answers 503 `times` times. */
const recordingFailing =
  (times: number, meeting: ScenarioInput = {}) =>
  async (stack: Stack): Promise<string> => {
    const m = stack.sim.meetingBaas.create({ words: 10, recordingBytes: 8192, ...meeting });
    stack.sim.faults.add({ pathPrefix: `/recordings/${m.botId}`, status: 503, count: times });
    await stack.sim.meetingBaas.play(m.botId, { webhookUrl: stack.webhookUrl });
    return `meetingbaas:${m.botId}`;
  };

// The recorder's settings (short), and those of the scenarios that need other short ones (each such set
// gets a stack of its own, with its own worker and task queue, on the same dev server).
const BASE: StackOptions = {
  lingerSeconds: 3,
  watchdog: { finalDataTimeoutSeconds: 1, finalDataDeadlineSeconds: 4, reconcileIntervalSeconds: 1 },
  webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 2, assetDeadlineSeconds: 5 },
  webexAutoRecord: true,
};
/**
 * The test-only key of the encrypted recordings (test/histories/encrypted/, replayed by
 * test/replay-encrypted.test.ts), read from the file beside them.
 */
export const HISTORY_KEY_FILE = path.resolve(__dirname, '../test/histories/encrypted/test-key.json');
const historyKeys = () =>
  parseEncryptionKeys(
    z
      .object({ PAYLOAD_ENCRYPTION_KEYS: z.string() })
      .parse(JSON.parse(fs.readFileSync(HISTORY_KEY_FILE, 'utf8'))).PAYLOAD_ENCRYPTION_KEYS,
  );

const SETTINGS = {
  base: BASE,
  // Encrypted payloads, under the test-only key.
  encrypted: { ...BASE, encryptionKeys: historyKeys() },
  // The live watchdog: the provider's API asked after 2 s of silence; no_end 6 s after the first event.
  live: { ...BASE, watchdog: { ...BASE.watchdog, silenceTimeoutSeconds: 2, meetingDeadlineSeconds: 6 } },
  // Late final data: final_event_missing 2 s after the call ended, then a linger of 5 s.
  late: { ...BASE, lingerSeconds: 5, watchdog: { ...BASE.watchdog, finalDataDeadlineSeconds: 2 } },
  // Transient failures: rounds of one attempt, 1 s apart; the assets given up 5 s after the final data.
  transient: {
    ...BASE,
    watchdog: { ...BASE.watchdog, finalDataDeadlineSeconds: 5 },
    assetRetry: { attemptsPerRound: 1, firstPauseSeconds: 1, maxPauseSeconds: 1 },
  },
  // Notifications to the simulator's consumer, retried after half a second.
  notify: {
    ...BASE,
    notify: {
      consumers: ['recorder'],
      retry: { firstPauseSeconds: 0.5, maxPauseSeconds: 1, windowSeconds: 30, attemptTimeoutSeconds: 2 },
    },
  },
  // Webex assets published after the first collection: looked for each second for 6 s.
  webexLate: {
    ...BASE,
    webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, assetDeadlineSeconds: 6 },
  },
} satisfies Record<string, StackOptions>;

type Outcome = string | { workflowId: string; also: string };
type Run = (stack: Stack) => Promise<Outcome>;
/** A scenario on the recorder's stack, or on one with other settings. */
type Scenario = Run | { on: keyof typeof SETTINGS; run: Run };

// Each scenario drives one meeting and returns its workflow id (and another workflow's to save too).
// Names prefixed `pre-watchdog-` in test/histories were recorded before the watchdogs (the unpatched path)
// and are kept for replay.
const SCENARIOS: Record<string, Scenario> = {
  // Encrypted, in test/histories/encrypted/ (an activity failure and its retry included).
  'encrypted/completed': { on: 'encrypted', run: recordingFailing(1, { words: 30 }) },
  'encrypted/webex-completed': {
    on: 'encrypted',
    run: webexPlayed({ recordings: [{ bytes: 20_000 }], participants: 5 }, [
      ['meetings', 'started'],
      ['meetings', 'ended'],
    ]),
  },
  completed: played({ words: 60, pause: true }),
  failed: played({ outcome: 'failed', failureCode: 'BotNotAccepted' }),
  'duplicated-deliveries': played({ words: 20 }, { duplicate: true }),
  'reverse-order': played({ words: 20 }, { order: 'reverse' }),
  'expired-recording-url': played({ words: 10, urlExpiresSeconds: 0 }),
  'no-transcript': played({ transcript: false }),
  reconciled: played({ words: 10 }, { include: 'statuses' }),
  'final-event-missing': played({ dataPublished: false }, { include: 'statuses' }),
  'v2-completed': async (stack) => {
    const m = stack.sim.meetingBaas.create({ words: 12 });
    await stack.sim.meetingBaasV2.play(m.botId, { webhookUrl: stack.webhookUrl, duplicate: true });
    return `meetingbaas:${m.botId}`;
  },
  'recording-url-refreshed': async (stack) => {
    const workflowId = await played({ words: 5, urlExpiresSeconds: 0 })(stack);
    const botId = workflowId.slice('meetingbaas:'.length);
    await eventually(
      () => stack.api(`/meetings/meetingbaas/${botId}/recording-url`, { method: 'POST' }),
      (res) => res.status === 200,
    );
    return workflowId;
  },
  'bot-sent-and-removed': async (stack) => {
    const { botId, requestId } = await sendBot(stack, 'rec-hist');
    await eventually(
      async () => (await stack.api(`/meetings/meetingbaas/${botId}`)).json() as Promise<MeetingView>,
      (v) => v.status === 'recording',
    );
    await stack.api(`/bots/${botId}`, { method: 'DELETE' });
    return { workflowId: `meetingbaas:${botId}`, also: requestId };
  },
  // The send-bot run alone, since the stored bot request is deleted once answered (FORGET_BOT_REQUEST_PATCH).
  'bot-request-forgotten': async (stack) => {
    return (await sendBot(stack, 'rec-fgt')).requestId;
  },
  'webex-completed': webexPlayed(
    { recordings: [{ bytes: 40_000 }, { bytes: 20_000 }], recordingsAfterListings: 1, participants: 120 },
    [
      ['meetings', 'started'],
      ['meetings', 'ended'],
      ['meetings', 'ended'],
      ['recordings', 'created'],
      ['meetingTranscripts', 'created'],
    ],
  ),
  'webex-transcript-unavailable': webexPlayed({ transcript: false }, [['meetings', 'ended']]),
  // A meeting that continues as new twice (a budget of 4 signals a run instead of 1,000): saved are its last
  // run and, as continued-as-new-first-run, its first, which ends in the handover.
  'continued-as-new': async (stack) => {
    const m = stack.sim.meetingBaas.create({ words: 10 });
    const workflowId = `meetingbaas:${m.botId}`;
    const input: MeetingWorkflowInput = {
      provider: 'meetingbaas',
      externalId: m.botId,
      lingerSeconds: 3,
      runBudget: { signals: 4 },
    };
    await stack.client.workflow.start(MEETING_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: stack.taskQueue,
      args: [input],
    });
    await stack.sim.meetingBaas.play(m.botId, { webhookUrl: stack.webhookUrl, duplicate: true });
    return workflowId;
  },
  'webex-auto-record': async (stack) => {
    const m = stack.sim.webex.addMeeting({});
    await stack.sim.webex.sendWebhook(m.meetingId, 'meetings', 'created', stack.webexWebhookUrl, {
      idKind: 'scheduled',
    });
    return `webex-auto-record:${m.scheduledMeetingId}`;
  },
  // Recording, then silence: the live watchdog asks Meeting BaaS, whose API has the final data: completed.
  'live-watchdog-silence': { on: 'live', run: joinedAndRecording(false) },
  // The bot stays in the call for ever: asked at each silence, then failed no_end at the meeting deadline.
  'live-watchdog-no-end': { on: 'live', run: joinedAndRecording(true) },
  // A Webex meeting's meetings.ended is lost: after the silence Webex's API says it ended; collected.
  'webex-live-watchdog': {
    on: 'live',
    run: async (stack) => {
      const now = Date.now();
      const m = stack.sim.webex.addMeeting({
        start: new Date(now - 3600_000).toISOString(),
        // In progress when `started` comes, over by the time the silence is up.
        end: new Date(Math.ceil((now + 1000) / 1000) * 1000).toISOString(),
        participants: 3,
      });
      await stack.sim.webex.sendWebhook(m.meetingId, 'meetings', 'started', stack.webexWebhookUrl);
      return `webex:${m.meetingId}`;
    },
  },
  // Failed final_event_missing, then its complete comes during the linger: collected in the same run.
  'late-final-data-during-linger': {
    on: 'late',
    run: async (stack) => {
      const { workflowId, sendComplete } = await failedForWantOfData(stack);
      await sendComplete();
      return workflowId;
    },
  },
  // The same, the complete coming after the workflow closed: a new run (resumeFrom), the one saved.
  'late-final-data-resumed': {
    on: 'late',
    run: async (stack) => {
      const { workflowId, sendComplete } = await failedForWantOfData(stack);
      const handle = stack.client.workflow.getHandle(workflowId);
      const closed = await eventually(
        () => handle.describe(),
        (d) => d.status.name !== 'RUNNING',
      );
      await sendComplete();
      await eventually(
        () => handle.describe(),
        (d) => d.runId !== closed.runId,
      );
      return workflowId;
    },
  },
  // Completed and notified: the consumer refuses the first attempt, takes the second. The meeting's history
  // (the notify-outcome patch, the prepare activity, the delivery started) and the delivery's are saved.
  notified: {
    on: 'notify',
    run: async (stack) => {
      stack.sim.consumer.behave('recorder', { status: 503, times: 1 });
      const workflowId = await played({ words: 10, recordingBytes: 8192 })(stack);
      await viewWhen(stack, workflowId, (v) => v.notifications?.[0]?.status === 'delivered');
      return { workflowId, also: `${workflowId}/notify/0` };
    },
  },
  // The recording download answers 503 for two rounds, then works: completed, the recording archived.
  'transient-retry-recovered': { on: 'transient', run: recordingFailing(2) },
  // It answers 503 until the deadline, and there is no transcript: failed no_assets.
  'transient-retry-deadline': { on: 'transient', run: recordingFailing(1000, { transcript: false }) },
  // Erasure on request while the meeting lingers (the provider asked too), then a status webhook recorded.
  'erased-while-lingering': async (stack) => {
    const workflowId = await played({ recordingBytes: 20_000, words: 10 })(stack);
    const id = workflowId.split(':')[1]!;
    await viewWhen(stack, workflowId, (v) => v.status === 'completed');
    const res = await stack.api(`/meetings/meetingbaas/${id}/data?provider=true`, { method: 'DELETE' });
    if (res.status !== 202) throw new Error(`DELETE …/data answered ${res.status}`);
    await viewWhen(stack, workflowId, (v) => v.erasure?.provider?.status === 'deleted');
    return workflowId;
  },
  // Erasure of a closed meeting: a new run from its view erases (the one saved).
  'erased-closed-resumed': async (stack) => {
    const workflowId = await played({ recordingBytes: 20_000, words: 10 })(stack);
    const id = workflowId.split(':')[1]!;
    const handle = stack.client.workflow.getHandle(workflowId);
    const closed = await eventually(
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
    );
    const res = await stack.api(`/meetings/meetingbaas/${id}/data`, { method: 'DELETE' });
    if (res.status !== 202) throw new Error(`DELETE …/data answered ${res.status}`);
    await eventually(
      () => handle.describe(),
      (d) => d.runId !== closed.runId,
    );
    await viewWhen(stack, workflowId, (v) => v.deletedAt !== undefined);
    return workflowId;
  },
  // A second recording and transcript published after the first collection, found by the next look.
  'webex-late-assets': {
    on: 'webexLate',
    run: async (stack) => {
      const m = stack.sim.webex.addMeeting({ recordings: [{ bytes: 30_000 }] });
      const workflowId = `webex:${m.meetingId}`;
      await stack.sim.webex.sendWebhook(m.meetingId, 'meetings', 'ended', stack.webexWebhookUrl);
      await viewWhen(stack, workflowId, (v) => v.status === 'completed');
      // Published without a webhook.
      stack.sim.webex.addRecording(m.meetingId, { bytes: 20_000, durationSeconds: 20 });
      stack.sim.webex.addTranscript(m.meetingId);
      await viewWhen(
        stack,
        workflowId,
        (v) =>
          v.status === 'completed' && v.recording?.parts?.length === 2 && v.transcript?.parts?.length === 2,
      );
      return workflowId;
    },
  },
};

async function main() {
  quietRuntime();
  const { env, cliPath } = await startEphemeralTemporal();
  // Started when a scenario first needs them.
  const stacks = new Map<keyof typeof SETTINGS, Promise<Stack>>();
  const stackFor = (on: keyof typeof SETTINGS): Promise<Stack> => {
    let stack = stacks.get(on);
    if (!stack) {
      stack = startStack({ ...SETTINGS[on], address: env.address });
      stacks.set(on, stack);
    }
    return stack;
  };
  const outDir = path.resolve(__dirname, '../test/histories');
  fs.mkdirSync(outDir, { recursive: true });
  // The CLI's JSON export is the format Temporal's tools (and historyFromJSON) read.
  const save = async (stack: Stack, name: string, workflowId: string, run: 'last' | 'first' = 'last') => {
    const handle = stack.client.workflow.getHandle(workflowId);
    await handle.result();
    const last = await eventually(
      () => handle.describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    const firstRunId = last.raw.workflowExecutionInfo?.firstRunId;
    const runArgs = run === 'first' && firstRunId ? ['-r', firstRunId] : [];
    const args = ['workflow', 'show', '-w', workflowId, ...runArgs, '--address', env.address, '-o', 'json'];
    const file = path.join(outDir, `${name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, execFileSync(cliPath, args));
  };
  try {
    const only = process.argv.slice(2);
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (only.length && !only.includes(name)) continue;
      const { on, run } = typeof scenario === 'function' ? { on: 'base' as const, run: scenario } : scenario;
      const stack = await stackFor(on);
      const outcome = await run(stack);
      const workflowId = typeof outcome === 'string' ? outcome : outcome.workflowId;
      if (typeof outcome !== 'string')
        await save(stack, name === 'notified' ? `${name}-delivery` : `${name}-request`, outcome.also);
      await save(stack, name, workflowId);
      if (name === 'continued-as-new') await save(stack, `${name}-first-run`, workflowId, 'first');
      const result: unknown = await stack.client.workflow.getHandle(workflowId).result();
      const view = result as Partial<MeetingView>;
      const error = view.error ? ` (${view.error.code})` : '';
      console.log(
        `${name}: ${view.status ?? JSON.stringify(result)}${error}, ${view.history?.length ?? 0} events recorded`,
      );
    }
  } finally {
    for (const stack of stacks.values()) await (await stack).stop();
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
