// A final webhook that arrives after its meeting's workflow closed is not lost: it starts a new run of the
// same workflow id, which goes on from the closed run's view. Pure: the gateway asks, Temporal does.
import type { ProviderEvent } from './events';
import type { MeetingView } from './view';

/**
 * Events that announce final data: Meeting BaaS `complete` / `bot.completed` (final_data), Webex
 * `recordings.created` / `meetingTranscripts.created` (asset_published). Any other late event is answered
 * 202 as before (it could change nothing a closed meeting shows).
 */
export function announcesFinalData(event: Pick<ProviderEvent, 'kind'>): boolean {
  return event.kind === 'final_data' || event.kind === 'asset_published';
}

/**
 * Whether a late event starts a new run from the closed meeting's `view`. Every final-data event does,
 * except a Meeting BaaS final data for a meeting already `completed` (its final data was collected: a
 * redelivery). The new run decides with the lifecycle (lateCollection): a meeting `failed` for want of
 * its final data (final_event_missing, no_end) is revived and collected, a `completed` Webex meeting
 * collects the new asset; any other (bot_not_admitted, the provider's own failure) records the event in
 * its history, without reviving.
 */
export function resumesClosedMeeting(view: MeetingView, event: Pick<ProviderEvent, 'kind'>): boolean {
  if (!announcesFinalData(event)) return false;
  return !(event.kind === 'final_data' && view.status === 'completed');
}
