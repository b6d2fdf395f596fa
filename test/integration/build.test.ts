// The production build's workflow bundle (`npm run build`, scripts/build-workflow-bundle.ts): the worker
// finds it (WORKFLOW_BUNDLE_PATH, or next to the compiled code) and runs meetings from it.
import { NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileArchive } from '../../platform/archive';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { createMeetingWorker, prebuiltWorkflowBundle, WORKFLOW_BUNDLE_FILE } from '../../worker/worker';
import { startStack, temporalAddress, viewWhenOn, type Stack } from '../helpers/stack';

let dir: string;
let bundlePath: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-build-'));
  bundlePath = path.join(dir, WORKFLOW_BUNDLE_FILE);
  expect(await buildWorkflowBundle(bundlePath)).toBe(fs.statSync(bundlePath).size);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn` with these environment variables set (undefined: unset), then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

test('the bundle is found by WORKFLOW_BUNDLE_PATH, else next to the compiled code, else not at all', () => {
  expect(prebuiltWorkflowBundle({ WORKFLOW_BUNDLE_PATH: bundlePath }, '/nowhere')).toEqual({
    codePath: bundlePath,
  });
  expect(prebuiltWorkflowBundle({}, dir)).toEqual({ codePath: bundlePath });
  expect(prebuiltWorkflowBundle({}, os.tmpdir())).toBeUndefined();
  // Run from the sources (as here), there is no bundle next to the code: the worker bundles at start.
  expect(prebuiltWorkflowBundle({})).toBeUndefined();
  expect(() => prebuiltWorkflowBundle({ WORKFLOW_BUNDLE_PATH: path.join(dir, 'missing.js') })).toThrow(
    /WORKFLOW_BUNDLE_PATH: no file at .*missing\.js/,
  );
});

// Every workflow evaluates the bundle's modules afresh (reusable V8 context), so a schema library in it costs
// each open meeting memory and each new one CPU: ~940 KB and 14 ms with zod, ~270 KB and 7 ms without.
test('the workflow bundle carries no zod: workflows import the zod-free domain modules only', () => {
  const code = fs.readFileSync(bundlePath, 'utf8');
  expect(code).toContain('./domain/meeting.ts');
  expect(code).not.toMatch(/node_modules\/zod\//);
});

test('a worker refuses to start when WORKFLOW_BUNDLE_PATH names no file', async () => {
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  try {
    await withEnv({ WORKFLOW_BUNDLE_PATH: path.join(dir, 'missing.js') }, () =>
      expect(
        createMeetingWorker({
          connection,
          namespace: 'default',
          taskQueue: 'build-test-never-polled',
          archive: new FileArchive(dir),
          allowedHosts: ['127.0.0.1'],
          meetingBaas: { baseUrl: 'http://127.0.0.1:9', apiKey: 'unused', apiVersion: 'v1' },
        }),
      ).rejects.toThrow(/WORKFLOW_BUNDLE_PATH/),
    );
  } finally {
    await connection.close();
  }
});

test('a worker started from the built bundle runs a meeting to completed', async () => {
  // No test bundle: the stack's worker takes the one WORKFLOW_BUNDLE_PATH names, as in the image.
  let stack: Stack | undefined;
  try {
    stack = await withEnv({ WORKFLOW_BUNDLE_PATH: bundlePath, TEST_WORKFLOW_BUNDLE: undefined }, () =>
      startStack(),
    );
    const meeting = stack.sim.meetingBaas.create({ words: 30, recordingBytes: 64 * 1024 });
    const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
    const done = await viewWhenOn(() => stack!)(meeting.botId, (v) => v.status === 'completed');
    expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
    expect(done.transcript?.status).toBe('archived');
  } finally {
    await stack?.stop();
  }
});
