import type { MeetingView } from '../../domain/view';
import type { Scenario } from './scenarios';
import type { DemoTarget } from './target';

// Following the demo's meetings to their end, and the report it prints.

const isFinal = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the meeting's view until it is final or the demo's time is up; prints each status change. */
export async function follow(
  target: DemoTarget,
  s: Scenario,
  externalId: string,
  until: number,
): Promise<MeetingView | undefined> {
  const url = `${target.apiUrl}/meetings/${s.provider}/${encodeURIComponent(externalId)}`;
  let last: MeetingView | undefined;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${target.readToken}` } });
    if (res.ok) {
      const view = (await res.json()) as MeetingView;
      if (view.status !== last?.status) console.log(`  ${s.title}: ${view.status}`);
      last = view;
      if (isFinal(view)) return view;
    } else if (res.status !== 404) {
      throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
    }
    if (Date.now() > until) return last;
    await delay(500);
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const uiLink = (target: DemoTarget, workflowId: string) =>
  `${target.temporalUiUrl}/namespaces/${encodeURIComponent(target.namespace)}/workflows/${encodeURIComponent(workflowId)}`;

/** One history entry: its code, where it came from unless a webhook, in brackets when it changed nothing. */
const historyEntry = (h: MeetingView['history'][number]) => {
  const code = h.source === 'webhook' ? h.code : `${h.code}(${h.source})`;
  return h.applied ? code : `[${code}]`;
};

/** The view in a few lines: status, each asset, the history. */
function compact(target: DemoTarget, view: MeetingView): string[] {
  const lines = [`${view.workflowId}  ${view.status}${view.endReason ? ` (${view.endReason})` : ''}`];
  if (view.title) lines.push(`  title         ${view.title}`);
  if (view.error) lines.push(`  error         ${view.error.code}: ${view.error.message}`);
  const { recording: rec, transcript: tr, participants: pa } = view;
  if (rec)
    lines.push(
      `  recording     ${rec.status}${rec.parts && rec.parts.length > 1 ? ` (${rec.parts.length} parts)` : ''}` +
        (rec.archive ? `  ${mib(rec.archive.bytes)}  ${rec.archive.uri}` : '') +
        (rec.reason ? `  ${rec.reason}` : ''),
    );
  if (tr)
    lines.push(
      `  transcript    ${tr.status}` +
        (tr.utterances !== undefined ? `  ${tr.utterances} utterances` : '') +
        (tr.speakers?.length ? ` by ${tr.speakers.join(', ')}` : '') +
        (tr.reason ? `  ${tr.reason}` : ''),
    );
  if (pa)
    lines.push(
      `  participants  ${pa.status}${pa.count !== undefined ? `  ${pa.count}` : ''}${pa.reason ? `  ${pa.reason}` : ''}`,
    );
  lines.push(`  history       ${view.history.map(historyEntry).join(' > ')}`);
  lines.push(`  Temporal UI   ${uiLink(target, view.workflowId)}`);
  return lines;
}

/** Prints each meeting where it ended up; returns how many are not where the scenario expects. */
export function printReport(
  target: DemoTarget,
  results: { s: Scenario; view: MeetingView | undefined }[],
  waitedSeconds: number,
): number {
  let unexpected = 0;
  for (const { s, view } of results) {
    console.log(`\n== ${s.title}`);
    if (!view) {
      unexpected++;
      console.log('  no meeting after the webhooks: is the worker running?');
      continue;
    }
    console.log(compact(target, view).join('\n'));
    if (isFinal(view) && view.status !== s.expected) {
      unexpected++;
      console.log(`  UNEXPECTED: ${s.expected} was expected`);
    } else if (!isFinal(view)) {
      // With the demo's own short watchdogs every meeting ends; with a service's defaults some wait on purpose.
      const mayWait = target.shortWatchdogs ? undefined : s.mayWait;
      if (!mayWait) unexpected++;
      console.log(
        mayWait
          ? `  still ${view.status}, as expected with the default settings: ${mayWait}`
          : `  UNEXPECTED: still ${view.status} after ${waitedSeconds} s`,
      );
    }
  }
  console.log(
    '\nhistory: provider codes in order received; (api)/(timer): found by asking the provider/by a timer;' +
      ' [in brackets]: recorded, changed nothing (a duplicate, an event older than the state, a note)',
  );
  return unexpected;
}
