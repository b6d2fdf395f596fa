// The run's figures: what was checked, what the kills were, throughput and `complete` -> `completed` latency;
// printed, and written to bench/results/cluster-<time>.json (git-ignored) beside the benchmark's.
import fs from 'node:fs';
import path from 'node:path';
import { quantile } from '../../bench/stats';
import type { Kill } from './chaos';
import type { MeetingRecord } from './load';
import type { Verdict } from './verify';

export interface Summary {
  passed: boolean;
  meetings: number;
  concurrency: number;
  completed: number;
  lost: number;
  stuck: number;
  wrong: number;
  kills: Array<Kill & { survived: boolean }>;
  seconds: number;
  meetingsPerMinute: number;
  completeToCompletedP50Ms: number;
  completeToCompletedP99Ms: number;
  /** The slowest meeting: a killed worker's activities without heartbeats wait for their start-to-close timeout. */
  completeToCompletedMaxMs: number;
  /** Throughput until 95 % of the meetings were completed, without the tail of the slowest. */
  meetingsPerMinute95: number;
  /** Webhook deliveries that needed retries (the provider's), and what their failed attempts got. */
  retriedDeliveries: number;
  retryFailures: Record<string, number>;
  /** What the retried deliveries were answered in the end (202: the meeting had closed meanwhile). */
  retriedAnswers: Record<string, number>;
  listing: Verdict['listing'];
  problems: string[];
}

export function summarize(
  records: MeetingRecord[],
  kills: Kill[],
  v: Verdict,
  run: { meetings: number; concurrency: number; started: number },
): Summary {
  const done = records.filter((r) => r.completedAt !== undefined && r.view?.status === 'completed');
  const lastDone = Math.max(run.started, ...done.map((r) => r.completedAt!));
  const seconds = (lastDone - run.started) / 1000;
  const latencies = done.map((r) => r.completedAt! - r.completeSentAt!);
  const retryFailures: Record<string, number> = {};
  const retriedAnswers: Record<string, number> = {};
  for (const d of records.flatMap((r) => r.retried)) {
    for (const f of d.failures) retryFailures[f] = (retryFailures[f] ?? 0) + 1;
    retriedAnswers[d.answer] = (retriedAnswers[d.answer] ?? 0) + 1;
  }
  const listingOk =
    !v.listing.missing && !v.listing.unexpected && v.listing.countQuery === done.length && !v.listing.problem;
  const clean = !v.lost.length && !v.stuck.length && !v.wrong.length && records.length === run.meetings;
  return {
    passed: clean && listingOk && kills.length === 3,
    meetings: run.meetings,
    concurrency: run.concurrency,
    completed: done.length,
    lost: v.lost.length + (run.meetings - records.length),
    stuck: v.stuck.length,
    wrong: v.wrong.length,
    kills: kills.map((k) => ({ ...k, survived: clean })),
    seconds,
    meetingsPerMinute: (done.length / seconds) * 60,
    completeToCompletedP50Ms: quantile(latencies, 0.5),
    completeToCompletedP99Ms: quantile(latencies, 0.99),
    completeToCompletedMaxMs: Math.max(...latencies),
    meetingsPerMinute95: throughputUntil(done, 0.95, run.started),
    retriedDeliveries: records.reduce((n, r) => n + r.retried.length, 0),
    retryFailures,
    retriedAnswers,
    listing: v.listing,
    problems: [...v.lost, ...v.stuck, ...v.wrong].slice(0, 30),
  };
}

/** Meetings per minute from the start until a share of them were completed. */
function throughputUntil(done: MeetingRecord[], share: number, started: number): number {
  const count = Math.ceil(done.length * share);
  const at = quantile(
    done.map((r) => r.completedAt!),
    share,
  );
  return (count / ((at - started) / 1000)) * 60;
}

export function printSummary(s: Summary): void {
  const lines = [
    '',
    `cluster test: ${s.passed ? 'PASSED' : 'FAILED'}`,
    `  meetings          ${s.meetings} (${s.concurrency} at a time): ${s.completed} completed, ${s.lost} lost, ${s.stuck} stuck, ${s.wrong} wrongly archived`,
    `  kills survived    ${s.kills.filter((k) => k.survived).length} of ${s.kills.length}`,
    ...s.kills.map((k) => `    - ${k.what}: ${k.detail}; back after ${(k.downMs / 1000).toFixed(1)} s`),
    `  throughput        ${s.meetingsPerMinute.toFixed(1)} meetings/min (${s.seconds.toFixed(0)} s); ` +
      `${s.meetingsPerMinute95.toFixed(1)} meetings/min until 95 % were completed`,
    `  complete→completed p50 ${s.completeToCompletedP50Ms} ms, p99 ${s.completeToCompletedP99Ms} ms, ` +
      `max ${s.completeToCompletedMaxMs} ms`,
    `  webhook retries   ${s.retriedDeliveries} deliveries retried (${
      Object.entries(s.retryFailures)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ') || 'none'
    }), answered in the end: ${
      Object.entries(s.retriedAnswers)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ') || '-'
    }`,
    `  listing           GET /meetings?status=completed: ${s.listing.listed} listed, ${s.listing.missing} missing, ` +
      `${s.listing.unexpected} unexpected; count(MeetingStatus='completed') = ${s.listing.countQuery}` +
      (s.listing.problem ? ` (${s.listing.problem})` : ''),
    ...(s.problems.length ? ['  problems:', ...s.problems.map((p) => `    - ${p}`)] : []),
    '',
  ];
  console.log(lines.join('\n'));
}

export function writeResults(s: Summary): void {
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(s, null, 2));
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}
