import type { EndedFromApi } from '../watchdog';

/**
 * An `ended` read from Meeting BaaS's API (the bot left the call) says where it came from: the bot's own
 * `call_ended` webhook arriving after all is recorded without moving the meeting back.
 */
export const MEETINGBAAS_ENDED_FROM_API: EndedFromApi = { code: 'call_ended', dedupeKey: 'api:call_ended' };
