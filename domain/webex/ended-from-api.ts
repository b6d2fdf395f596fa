import type { EndedFromApi } from '../watchdog';

/**
 * An `ended` read from Webex's API stands for the `meetings.ended` webhook: the same code and dedupe key
 * (domain/webex/webhook.ts), so that the webhook arriving after all is not applied twice.
 */
export function webexEndedFromApi(meetingId: string): EndedFromApi {
  return { code: 'meetings.ended', dedupeKey: `meetings:ended:${meetingId}` };
}
