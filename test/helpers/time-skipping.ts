// Meeting workflows on Temporal's time-skipping test server: hours of watchdogs and deadlines at their real
// defaults pass in a fraction of a second. One server and one worker per test file (time skipping is global
// to a server: the tests of a file run one after the other), the workflow code of the suite's bundle,
// stubbed activities (test/helpers/stub-provider.ts), and the API's own gateway with the configuration's
// defaults, so that meetings start and are signalled exactly as the API does.
import { Client } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { eventually } from '../../dev/eventually';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatewayOptions, MeetingsGateway } from '../../api/temporal-gateway';
import { SEARCH_ATTRIBUTE_KEYS } from '../../contract/search-attributes';
import type { ProviderEvent } from '../../domain/events';
import type { MeetingView } from '../../domain/view';
import { meetingWorkflowId, type Provider } from '../../domain/workflow-id';
import { FileArchive } from '../../platform/archive';
import { parseConfig } from '../../platform/config';
import { findTemporalTestServer, HOW_TO_FIX } from '../../scripts/temporal-test-server';
import { StubProvider } from './stub-provider';

/** The service's settings when nothing is configured: every watchdog and deadline at its default. */
export const DEFAULTS = parseConfig({});

let runtimeInstalled = false;
/** Errors only: the test server lacks capabilities the SDK warns about once per worker. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
}

export interface SkippedMeetings {
  env: TestWorkflowEnvironment;
  provider: StubProvider;
  gateway: MeetingsGateway;
  /** The server's clock (ms since the epoch): real time, plus all the time skipped so far. */
  now(): Promise<number>;
  /** A webhook's event, delivered as the API delivers it (signal-with-start). */
  deliver(event: ProviderEvent): ReturnType<MeetingsGateway['deliver']>;
  /** Lets `seconds` of server time pass, firing every timer due on the way. */
  skip(seconds: number): Promise<void>;
  /** Lets server time pass until `seconds` after `fromMs` (a test's start, not this call's). */
  skipUntil(fromMs: number, seconds: number): Promise<void>;
  /** The meeting's view as the API reads it (query, or the closed workflow's result). */
  view(provider: Provider, externalId: string): Promise<MeetingView>;
  /** Polls the view (without skipping time) until `done` holds: the worker may still be on its last task. */
  viewWhen(provider: Provider, externalId: string, done: (v: MeetingView) => boolean): Promise<MeetingView>;
  /** Skips time until the meeting's workflow closes: its result and when it closed (server time). */
  closed(provider: Provider, externalId: string): Promise<{ view: MeetingView; closedAtMs: number }>;
  /** Ends the meeting's workflow where it is: what it would do next is not the test's subject. */
  terminate(provider: Provider, externalId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the test server and a worker on a task queue of its own. */
export async function startSkippedMeetings(): Promise<SkippedMeetings> {
  const server = findTemporalTestServer();
  if (!server) throw new Error(`No Temporal test server.${HOW_TO_FIX}`);
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: server.path } },
  });
  const taskQueue = `workflows-${randomUUID()}`;
  const provider = new StubProvider(() => env.currentTimeMs());
  let worker: Worker;
  try {
    // The meeting workflows publish these (as every Temporal the service uses, the test server must know them).
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });

    const bundle = process.env.TEST_WORKFLOW_BUNDLE;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      // Under jest the global setup has bundled the workflows once for every test file.
      ...(bundle
        ? { workflowBundle: { codePath: bundle } }
        : { workflowsPath: require.resolve('../../workflows') }),
      activities: provider.activities,
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const running = worker.run();

  // The API's gateway as configured by default, on a plain client: waiting for a result (POST /bots) must
  // not skip time, only the tests' skip() and closed() do. Bot requests go to an archive of its own. Every
  // delivery is signalled: the API's memory of recent deliveries counts real time, not the skipped clock.
  const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skipped-meetings-'));
  const gateway = new MeetingsGateway(new Client({ connection: env.connection }), {
    ...gatewayOptions({ ...DEFAULTS, DELIVERY_DEDUPE_SECONDS: 0 }),
    taskQueue,
    archive: new FileArchive(archiveDir),
  });

  const view = async (p: Provider, id: string): Promise<MeetingView> => {
    const found = await gateway.view(p, id);
    if (!found) throw new Error(`no meeting ${meetingWorkflowId(p, id)}`);
    return found;
  };

  return {
    env,
    provider,
    gateway,
    now: () => env.currentTimeMs(),
    deliver: (event) => gateway.deliver(event),
    skip: (seconds) => env.sleep(seconds * 1000),
    async skipUntil(fromMs, seconds) {
      await env.sleep(Math.max(fromMs + seconds * 1000 - (await env.currentTimeMs()), 0));
    },
    view,
    async viewWhen(p, id, done) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const v = await view(p, id);
        if (done(v)) return v;
        if (Date.now() > deadline)
          throw new Error(`${meetingWorkflowId(p, id)}: condition not met; view: ${JSON.stringify(v)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async closed(p, id) {
      const handle = env.client.workflow.getHandle(meetingWorkflowId(p, id));
      const result = (await handle.result()) as MeetingView;
      const { closeTime } = await handle.describe();
      if (!closeTime) throw new Error(`${meetingWorkflowId(p, id)} has no close time`);
      return { view: result, closedAtMs: closeTime.getTime() };
    },
    async terminate(p, id) {
      const handle = env.client.workflow.getHandle(meetingWorkflowId(p, id));
      // Not while an activity is under way (the notification's, right after the outcome): the test server
      // keeps time from skipping, for every later test, for an activity of a workflow terminated under it.
      await eventually(
        async () => (await handle.describe()).raw.pendingActivities?.length ?? 0,
        (pending) => pending === 0,
        10_000,
      );
      await handle.terminate('the test is over');
    },
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
      fs.rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}

/**
 * The seconds from `fromMs` to `atMs`, shown as `expected` when within `slackSeconds` of it, for
 * `expect(secondsAfter(t0, at, 1800)).toBe(1800)`: a workflow's timers count from its own task's time, a
 * little after the webhook, and fire a few ms after they are due; a time off by more still shows as itself.
 * The default slack (5 s) covers what a busy machine adds over dozens of steps measured from one start;
 * every schedule it checks is at least 10 s apart.
 */
export function secondsAfter(fromMs: number, atMs: number, expected: number, slackSeconds = 5): number {
  const seconds = (atMs - fromMs) / 1000;
  return Math.abs(seconds - expected) <= slackSeconds ? expected : seconds;
}

/**
 * `seconds`, each shown as its `expected` value when within `slackSeconds` of it, for
 * `expect(...).toEqual(expected)`: a backoff's lateness adds up over many rounds, yet a value off schedule
 * shows in the diff.
 */
export function asExpected(seconds: number[], expected: number[], slackSeconds = 2): number[] {
  return seconds.map((s, i) => {
    const due = expected[i];
    return due !== undefined && Math.abs(s - due) <= slackSeconds ? due : s;
  });
}

/** asExpected for the seconds from `fromMs` to each of `times`. */
export function scheduleAfter(
  fromMs: number,
  times: number[],
  expected: number[],
  slackSeconds = 2,
): number[] {
  return asExpected(
    times.map((at) => (at - fromMs) / 1000),
    expected,
    slackSeconds,
  );
}

/**
 * `times` against a documented backoff `schedule` (seconds after `fromMs`), for one `toEqual`: the first
 * time after `fromMs`, each pause after the time before it (a backoff counts every pause from the moment
 * it starts, so the few ms each step runs late do not add up), and the last time after `fromMs` again (a
 * deadline counts from the start). Each value within `slackSeconds` of its documented one is shown as it.
 */
export function backoffAgainst(
  fromMs: number,
  times: number[],
  schedule: number[],
  slackSeconds = 2,
): { actual: number[]; documented: number[] } {
  const steps = (at: number[], from: number) =>
    at.map((t, i) => (i === 0 || i === at.length - 1 ? t - from : t - at[i - 1]!));
  const documented = steps(schedule, 0);
  const actual = steps(times, fromMs).map((ms) => ms / 1000);
  return { actual: asExpected(actual, documented, slackSeconds), documented };
}

/** `at` of a view's history entry with `code` (the last one), in ms since the epoch. */
export function historyAt(view: MeetingView, code: string): number {
  const entry = view.history.filter((h) => h.code === code).at(-1);
  if (!entry) throw new Error(`no ${code} in the history: ${view.history.map((h) => h.code).join(', ')}`);
  return Date.parse(entry.at);
}
