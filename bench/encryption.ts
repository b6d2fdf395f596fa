// `npm run bench -- --only=encryption`: what payload encryption costs. The same end-to-end meetings with the
// worker and the API restarted plain, then with PAYLOAD_ENCRYPTION_KEYS (and the workflow bundle built with
// the failure converter), in turn for a few rounds on the same Temporal and simulator, so that a busy moment
// of the shared machine weighs on both; compares the CPU the service's processes spent per meeting.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundle } from '../scripts/build-workflow-bundle';
import type { EndToEndResult } from './end-to-end';
import type { CpuUser, Services } from './processes';

export type Mode = 'plain' | 'encrypted';
/** The processes that do the service's work (the simulator and the driving process are the test rig). */
const SERVICE: readonly CpuUser[] = ['temporal', 'worker', 'api'];

export interface EncryptionRun {
  mode: Mode;
  round: number;
  meetings: number;
  cpuMsPerMeeting: Record<CpuUser, number>;
  /** temporal + worker + api. */
  serviceCpuMsPerMeeting: number;
  msPerMeeting: number;
  problems: number;
  /** The first few problems, as end to end says them. */
  problemSamples: string[];
}

export interface EncryptionResult {
  rounds: number;
  meetingsPerRun: number;
  runs: EncryptionRun[];
  /** Mean over the rounds of each mode. */
  mean: Record<
    Mode,
    { serviceCpuMsPerMeeting: number; workerCpuMsPerMeeting: number; apiCpuMsPerMeeting: number }
  >;
  /** Encrypted against plain, service CPU per meeting: +0.07 is 7 % more. */
  overhead: number;
}

export async function runEncryptionComparison(
  services: Services,
  o: { rounds: number; meetings: number; warmUp: number },
  endToEnd: (services: Services, meetings: number) => Promise<EndToEndResult>,
): Promise<EncryptionResult> {
  const plainBundle = services.env.WORKFLOW_BUNDLE_PATH;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-bench-encryption-'));
  const encryptedBundle = path.join(dir, 'workflow-bundle-encrypted.js');
  await buildWorkflowBundle(encryptedBundle, { encrypted: true });
  // A throwaway key: the benchmark's meetings are simulated.
  const key = `bench:${randomBytes(32).toString('base64')}`;
  const envOf: Record<Mode, Record<string, string | undefined>> = {
    plain: { PAYLOAD_ENCRYPTION_KEYS: undefined, WORKFLOW_BUNDLE_PATH: plainBundle },
    encrypted: { PAYLOAD_ENCRYPTION_KEYS: key, WORKFLOW_BUNDLE_PATH: encryptedBundle },
  };
  const runs: EncryptionRun[] = [];
  try {
    for (let round = 1; round <= o.rounds; round++) {
      // Plain first in odd rounds, encrypted first in even ones: neither always gets the fresher machine.
      const order: Mode[] = round % 2 ? ['plain', 'encrypted'] : ['encrypted', 'plain'];
      for (const mode of order) {
        await services.restartServices(envOf[mode]);
        await endToEnd(services, o.warmUp);
        const r = await endToEnd(services, o.meetings);
        runs.push({
          mode,
          round,
          meetings: r.meetings,
          cpuMsPerMeeting: r.cpuMsPerMeeting,
          serviceCpuMsPerMeeting: SERVICE.reduce((sum, k) => sum + r.cpuMsPerMeeting[k], 0),
          msPerMeeting: r.msPerMeeting,
          problems: r.lost + r.stuck + r.wrongArchive,
          problemSamples: r.problems.slice(0, 5),
        });
      }
    }
  } finally {
    await services.restartServices(envOf.plain);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const meanOf = (mode: Mode, value: (r: EncryptionRun) => number) => {
    const of = runs.filter((r) => r.mode === mode);
    return of.reduce((sum, r) => sum + value(r), 0) / of.length;
  };
  const mean = (mode: Mode) => ({
    serviceCpuMsPerMeeting: meanOf(mode, (r) => r.serviceCpuMsPerMeeting),
    workerCpuMsPerMeeting: meanOf(mode, (r) => r.cpuMsPerMeeting.worker),
    apiCpuMsPerMeeting: meanOf(mode, (r) => r.cpuMsPerMeeting.api),
  });
  const result = { plain: mean('plain'), encrypted: mean('encrypted') };
  return {
    rounds: o.rounds,
    meetingsPerRun: o.meetings,
    runs,
    mean: result,
    overhead: result.encrypted.serviceCpuMsPerMeeting / result.plain.serviceCpuMsPerMeeting - 1,
  };
}

/** The section's table. */
export function printEncryption(r: EncryptionResult): void {
  console.log(
    `\nPayload encryption: ${r.rounds} rounds of ${r.meetingsPerRun} meetings in each mode, in turn`,
  );
  console.log('mode       round  service CPU ms/meeting  worker  api   temporal  wall ms/meeting  problems');
  for (const x of r.runs)
    console.log(
      `${x.mode.padEnd(10)} ${String(x.round).padStart(5)}  ${x.serviceCpuMsPerMeeting.toFixed(1).padStart(22)}  ` +
        `${x.cpuMsPerMeeting.worker.toFixed(1).padStart(6)}  ${x.cpuMsPerMeeting.api.toFixed(1).padStart(4)}  ` +
        `${x.cpuMsPerMeeting.temporal.toFixed(1).padStart(8)}  ${x.msPerMeeting.toFixed(1).padStart(15)}  ${x.problems}`,
    );
  for (const x of r.runs)
    for (const p of x.problemSamples) console.error(`problem (${x.mode} ${x.round}): ${p}`);
  const m = r.mean;
  console.log(
    `mean: plain ${m.plain.serviceCpuMsPerMeeting.toFixed(1)} ms, encrypted ${m.encrypted.serviceCpuMsPerMeeting.toFixed(1)} ms ` +
      `per meeting: ${(r.overhead * 100).toFixed(1)} % (target <= +10 %)`,
  );
}
