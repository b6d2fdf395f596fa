// `npm run record-histories`: runs a set of scripted meetings on a throwaway dev server and stores their
// workflow histories in test/histories/. test/replay.test.ts replays them against the current workflow
// code, so a change that would break meetings already running fails CI. Record new ones when the
// workflow changes on purpose (and keep the old ones: running workflows still have those histories).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MEETING_WORKFLOW_TYPE, type MeetingWorkflowInput } from '../contract/workflow';
import { startEphemeralTemporal } from '../dev/ephemeral-temporal';
import { eventually } from '../dev/eventually';
import { quietRuntime, startStack } from '../dev/stack';
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

// Each scenario drives one meeting and returns its workflow id (and another workflow's to save too).
// Names prefixed `pre-watchdog-` in test/histories were recorded before the watchdogs (the unpatched path)
// and are kept for replay.
const SCENARIOS: Record<string, (stack: Stack) => Promise<string | { workflowId: string; also: string }>> = {
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
    const res = await stack.api(`/bots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        meeting_url: `https://meet.google.com/rec-hist-${Date.now()}`,
        bot_name: 'Recorder',
      }),
    });
    const { botId, requestId } = (await res.json()) as { botId: string; requestId: string };
    await eventually(
      async () => (await stack.api(`/meetings/meetingbaas/${botId}`)).json() as Promise<MeetingView>,
      (v) => v.status === 'recording',
    );
    await stack.api(`/bots/${botId}`, { method: 'DELETE' });
    return { workflowId: `meetingbaas:${botId}`, also: requestId };
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
};

async function main() {
  quietRuntime();
  const { env, cliPath } = await startEphemeralTemporal();
  const stack = await startStack({
    address: env.address,
    lingerSeconds: 3,
    watchdog: { finalDataTimeoutSeconds: 1, finalDataDeadlineSeconds: 4, reconcileIntervalSeconds: 1 },
    webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 2, assetDeadlineSeconds: 5 },
    webexAutoRecord: true,
  });
  const outDir = path.resolve(__dirname, '../test/histories');
  fs.mkdirSync(outDir, { recursive: true });
  // The CLI's JSON export is the format Temporal's tools (and historyFromJSON) read.
  const save = async (name: string, workflowId: string, run: 'last' | 'first' = 'last') => {
    const handle = stack.client.workflow.getHandle(workflowId);
    await handle.result();
    const last = await eventually(
      () => handle.describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    const firstRunId = last.raw.workflowExecutionInfo?.firstRunId;
    const runArgs = run === 'first' && firstRunId ? ['-r', firstRunId] : [];
    const args = ['workflow', 'show', '-w', workflowId, ...runArgs, '--address', env.address, '-o', 'json'];
    fs.writeFileSync(path.join(outDir, `${name}.json`), execFileSync(cliPath, args));
  };
  try {
    const only = process.argv.slice(2);
    for (const [name, run] of Object.entries(SCENARIOS)) {
      if (only.length && !only.includes(name)) continue;
      const outcome = await run(stack);
      const workflowId = typeof outcome === 'string' ? outcome : outcome.workflowId;
      if (typeof outcome !== 'string') await save(`${name}-request`, outcome.also);
      await save(name, workflowId);
      if (name === 'continued-as-new') await save(`${name}-first-run`, workflowId, 'first');
      const result: unknown = await stack.client.workflow.getHandle(workflowId).result();
      const view = result as Partial<MeetingView>;
      console.log(
        `${name}: ${view.status ?? JSON.stringify(result)}, ${view.history?.length ?? 0} events recorded`,
      );
    }
  } finally {
    await stack.stop();
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
