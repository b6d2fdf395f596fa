import type { MeetingView } from '../domain/view';

const ASSETS = ['recording', 'transcript', 'participants'] as const;

/** The "current details" an operator sees in the Temporal UI: what the meeting is doing, without payloads. */
export function currentDetails(view: MeetingView): string {
  const lines = [`**${view.status}** · ${view.provider} \`${view.externalId}\``];
  if (view.endReason) lines.push(`End reason: ${view.endReason}`);
  if (view.error) lines.push(`Failed: ${view.error.code}: ${view.error.message}`);
  for (const name of ASSETS) {
    const asset = view[name];
    if (!asset) continue;
    const size = asset.archive ? ` (${asset.archive.bytes} bytes)` : '';
    lines.push(`${name}: ${asset.status}${size}${asset.reason ? `: ${asset.reason}` : ''}`);
  }
  const last = view.history.at(-1);
  if (last)
    lines.push(`Last event: ${last.code} at ${last.at}${last.applied ? '' : ' (recorded, not applied)'}`);
  return lines.join('\n\n');
}
