// What an operator reads in the Temporal UI, without decoding a payload: a one-line summary and the
// workflow's "current details" in Markdown. Pure functions of the MeetingView (deterministic, no clock).
import { PROVIDER_NAMES } from '../contract/workflow';
import type { ArchiveRef } from '../domain/archive-ref';
import { redactUrlsInText } from '../domain/redact';
import type { MeetingView } from '../domain/view';

const ASSETS = ['recording', 'transcript', 'participants'] as const;
/** The newest timeline rows shown; the full history is in the `meeting` query. */
export const TIMELINE_ROWS = 25;

/** "Webex meeting “Weekly sync” (id) · completed": what the meeting is and where it stands. */
export function summaryLine(view: MeetingView): string {
  const what = view.title
    ? `${PROVIDER_NAMES[view.provider]} “${oneLine(view.title)}” (${view.externalId})`
    : `${PROVIDER_NAMES[view.provider]} ${view.externalId}`;
  return `${what} · ${view.status}`;
}

/**
 * The "current details" of a meeting's workflow: status, what it waits for, what failed and why, where
 * its assets are archived, and the timeline. `waiting` says what the workflow's own timers are waiting
 * for right now (a watchdog, a pause between looks), which the view does not know; `endedWaitsFor` what
 * an `ended` meeting waits for with its provider (MeetingCollector.endedWaitsFor).
 */
export function currentDetails(
  view: MeetingView,
  waiting: readonly string[] = [],
  endedWaitsFor = "the provider's final data",
): string {
  return [
    `## ${md(summaryLine(view))}`,
    statusSection(view),
    section('Pending', pending(view, waiting, endedWaitsFor)),
    section('Failed', failures(view)),
    section('Archive', archiveLines(view)),
    timeline(view),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function statusSection(view: MeetingView): string {
  const lines = [`- **Status:** ${view.status}`, `- **Workflow:** ${code(view.workflowId)}`];
  if (view.title) lines.push(`- **Title:** ${md(view.title)}`);
  if (view.startedAt) lines.push(`- **Started:** ${time(view.startedAt)}`);
  if (view.endedAt) lines.push(`- **Ended:** ${time(view.endedAt)}`);
  if (view.endReason) lines.push(`- **End reason:** ${code(view.endReason)}`);
  if (view.deletedAt) lines.push(`- **Data erased:** ${time(view.deletedAt)} (on request)`);
  const providerCopy = view.erasure?.provider;
  if (providerCopy)
    lines.push(
      `- **Provider's copy:** ${providerCopy.status}${providerCopy.note ? `: ${md(providerCopy.note)}` : ''}`,
    );
  return lines.join('\n');
}

/** What the meeting is still waiting for, from its status and assets. */
function pending(view: MeetingView, waiting: readonly string[], endedWaitsFor: string): string[] {
  const lines: string[] = [];
  const byStatus: Partial<Record<MeetingView['status'], string>> = {
    scheduled: 'the meeting to start (provider webhooks)',
    joining: 'the bot to join the call',
    waiting_room: 'the bot to be admitted from the waiting room',
    in_call: 'the call to end',
    recording: 'the call to end',
    paused: 'the call to end',
    ended: endedWaitsFor,
  };
  const state = byStatus[view.status];
  if (state) lines.push(`Waiting for ${state}.`);
  for (const name of ASSETS) {
    if (view[name]?.status === 'pending') lines.push(`${name}: not archived yet`);
  }
  for (const note of waiting) lines.push(md(note));
  return lines;
}

/** Why the meeting failed, which assets could not be had, and the service's own failed attempts. */
function failures(view: MeetingView): string[] {
  const lines: string[] = [];
  if (view.error) lines.push(`**Meeting failed:** ${code(view.error.code)}: ${md(view.error.message)}`);
  for (const name of ASSETS) {
    const asset = view[name];
    if (asset?.status === 'unavailable')
      lines.push(`${name} unavailable: ${md(asset.reason ?? 'no reason given')}`);
  }
  for (const part of view.recording?.parts ?? []) {
    if (part.status === 'unavailable')
      lines.push(`recording file ${code(part.id)} unavailable: ${md(part.reason ?? 'no reason given')}`);
  }
  for (const entry of view.history) {
    if (entry.code.endsWith('_failed'))
      lines.push(`${time(entry.at)} ${code(entry.code)}: ${md(entry.note ?? '')}`);
  }
  return lines;
}

function archiveLines(view: MeetingView): string[] {
  const lines: string[] = [];
  const rec = view.recording;
  const parts = rec?.parts?.filter((p) => p.archive) ?? [];
  if (parts.length > 1) {
    for (const part of parts) lines.push(ref(`recording file ${code(part.id)}`, part.archive!));
  } else if (rec?.archive) {
    const duration = rec.durationSeconds ? `, ${rec.durationSeconds} s` : '';
    lines.push(ref(`recording${duration}`, rec.archive));
  }
  const tr = view.transcript;
  if (tr?.archive) {
    const speakers = tr.speakers?.length ? `, speakers: ${md(tr.speakers.join(', '))}` : '';
    lines.push(ref(`transcript (${tr.utterances ?? 0} utterances${speakers})`, tr.archive));
  }
  if (tr?.files?.vtt) lines.push(ref('transcript VTT', tr.files.vtt));
  if (tr?.files?.txt) lines.push(ref('transcript TXT', tr.files.txt));
  const people = view.participants;
  if (people?.archive) lines.push(ref(`participants (${people.count ?? 0})`, people.archive));
  return lines;
}

function timeline(view: MeetingView): string {
  const rows = view.history.slice(-TIMELINE_ROWS);
  if (!rows.length) return '';
  const earlier = view.history.length - rows.length + (view.historyOmitted ?? 0);
  return [
    '### Timeline',
    ...(earlier ? [`_${earlier} earlier events not shown (see the \`meeting\` query)._`, ''] : []),
    '| at | event | status | source | note |',
    '|---|---|---|---|---|',
    ...rows.map(
      (h) =>
        `| ${time(h.at)} | ${code(h.code)} | ${h.applied ? h.status : `${h.status} (not applied)`} | ${h.source} | ${md(h.note ?? '')} |`,
    ),
  ].join('\n');
}

function section(title: string, lines: string[]): string {
  return lines.length ? [`### ${title}`, ...lines.map((l) => `- ${l}`)].join('\n') : '';
}

function ref(what: string, archive: ArchiveRef): string {
  return `${what}: ${code(archive.uri)} (${archive.bytes} bytes, sha256 ${code(archive.sha256.slice(0, 12))}…)`;
}

/** ISO time without milliseconds, easier to scan. */
function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Provider text (titles, notes, error messages) as plain text: no Markdown, HTML or line breaks of its own,
 * and no secret of a URL in it (a meeting password, a signature: see domain/redact.ts).
 */
function md(text: string): string {
  return oneLine(redactUrlsInText(text)).replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`);
}

/** Text as inline code: a code span cannot escape, so what would end it or a table cell goes. */
function code(text: string): string {
  return `\`${oneLine(text).replace(/[`|]/g, ' ')}\``;
}
