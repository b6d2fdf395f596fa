// What the workflows show and need of a bot request, its secrets left out (no zod: workflow code uses it).
import { redactMeetingUrl } from '../redact';
import type { BotRequest } from './bot-request';

/** The meeting URL without its password (see redactMeetingUrl), never the speech_to_text key. */
export interface BotRequestAbout {
  botName: string;
  meetingUrl: string;
  waitingRoomTimeoutSeconds?: number;
}

export function botRequestAbout(request: BotRequest): BotRequestAbout {
  return {
    botName: request.bot_name,
    meetingUrl: redactMeetingUrl(request.meeting_url),
    ...(request.automatic_leave?.waiting_room_timeout !== undefined
      ? { waitingRoomTimeoutSeconds: request.automatic_leave.waiting_room_timeout }
      : {}),
  };
}
