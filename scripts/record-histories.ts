// `npm run record-histories`: runs a set of scripted meetings on a throwaway dev server and stores their
// workflow histories in test/histories/. test/replay.test.ts replays them against the current workflow
// code, so a change that would break meetings already running fails CI. Record new ones when the
// workflow changes on purpose (and keep the old ones: running workflows still have those histories).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MeetingView } from '../domain/view';
import type { PlayOptions } from '../simulator/meetingbaas/routes';
import type { ScenarioInput } from '../simulator/meetingbaas/scenario';
import { startEphemeralTemporal } from '../test/helpers/ephemeral-temporal';
import { eventually, quietRuntime, startStack } from '../test/helpers/stack';

const SCENARIOS: Record<string, { meeting: ScenarioInput; play?: Partial<PlayOptions> }> = {
  completed: { meeting: { words: 60, pause: true } },
  failed: { meeting: { outcome: 'failed', failureCode: 'BotNotAccepted' } },
  'duplicated-deliveries': { meeting: { words: 20 }, play: { duplicate: true } },
  'reverse-order': { meeting: { words: 20 }, play: { order: 'reverse' } },
  'expired-recording-url': { meeting: { words: 10, urlExpiresSeconds: 0 } },
  'no-transcript': { meeting: { transcript: false } },
};

async function main() {
  quietRuntime();
  const { env, cliPath } = await startEphemeralTemporal();
  const stack = await startStack({ address: env.address, lingerSeconds: 1 });
  const outDir = path.resolve(__dirname, '../test/histories');
  fs.mkdirSync(outDir, { recursive: true });
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const meeting = stack.sim.meetingBaas.create(scenario.meeting);
      await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, ...scenario.play });
      const handle = stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`);
      const view = (await handle.result()) as MeetingView;
      await eventually(
        () => handle.describe(),
        (d) => d.status.name === 'COMPLETED',
      );
      // The CLI's JSON export is the format Temporal's tools (and historyFromJSON) read.
      const json = execFileSync(cliPath, [
        'workflow',
        'show',
        '-w',
        handle.workflowId,
        '--address',
        env.address,
        '-o',
        'json',
      ]);
      fs.writeFileSync(path.join(outDir, `${name}.json`), json);
      console.log(`${name}: ${view.status}, ${view.history.length} events recorded`);
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
