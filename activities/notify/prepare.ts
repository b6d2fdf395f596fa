// The worker's side of a meeting reaching its outcome: the notification body is written to the archive once
// (history keeps its reference, not a second copy of the view per delivery) and the configured URLs are
// handed to the workflow, which starts one delivery workflow per URL.
import type { PreparedNotification } from '../../contract/workflow';
import type { NotificationType } from '../../domain/notify/notification';
import { redactView } from '../../domain/redact';
import type { MeetingView } from '../../domain/view';
import type { Archive } from '../../platform/archive';
import type { NotifySettings } from './settings';

/** The body every consumer receives (DESIGN.md "Notifications to your services"). */
export interface NotificationBody {
  type: NotificationType;
  timestamp: string;
  data: MeetingView;
}

export function notifyPrepareActivities(deps: { archive: Archive; notify: NotifySettings }) {
  return {
    /** Undefined when no URL is configured: the meeting sends nothing. */
    async prepareNotification(input: {
      type: NotificationType;
      view: MeetingView;
    }): Promise<PreparedNotification | undefined> {
      const { urls, retry } = deps.notify;
      if (urls.length === 0) return undefined;
      const body: NotificationBody = {
        type: input.type,
        timestamp: new Date().toISOString(),
        data: redactView(input.view),
      };
      // Erasing the meeting (DELETE …/data) erases what was sent about it too (meetingPrefixes); outside its
      // asset prefix, so that an erased meeting's outcome (its view, without archived data) is still sent.
      const ref = await deps.archive.putContentAddressed(
        `notifications/${input.view.provider}/${input.view.externalId}`,
        Buffer.from(JSON.stringify(body)),
        '.json',
      );
      return { body: ref, urls: [...urls], retry };
    },
  };
}
