// OpenAPI description of POST /webhooks/webex (webhook.ts), from the schema that validates it.
import { z } from 'zod';
import {
  webexMeetingDataSchema,
  webexRecordingDataSchema,
  webexTranscriptDataSchema,
  webexWebhookSchema,
} from '../../domain/webex/webhook';
import {
  BODY_ERRORS,
  errorResponses,
  jsonRequestBody,
  WEBHOOK_ANSWERS,
  type RouteDocs,
} from '../openapi-parts';
import { SIGNATURE_HEADER } from './spark-signature';

// Webex timestamps are `.catch`-ed (the event is kept whatever they hold; an unreadable one is noted and the
// event ordered by its receipt, domain/provider-time.ts), which has no OpenAPI form: describe them as what
// they are. Metadata only, validation is unchanged.
for (const timestamp of [
  webexMeetingDataSchema.shape.start,
  webexMeetingDataSchema.shape.end,
  webexRecordingDataSchema.shape.createTime,
  webexTranscriptDataSchema.shape.startTime,
]) {
  z.globalRegistry.add(timestamp, {
    type: 'string',
    format: 'date-time',
    description: 'ISO 8601; when unreadable or in the future, the event is ordered by its receipt',
  });
}

const WebexWebhook = webexWebhookSchema.meta({
  id: 'WebexWebhook',
  description:
    'A Webex notification of the resources the service follows (meetings, recordings, meetingTranscripts); ' +
    'others are answered 202',
});

export const webexDocs: RouteDocs = {
  securitySchemes: {
    webexSignature: {
      type: 'apiKey',
      in: 'header',
      name: SIGNATURE_HEADER,
      description: 'The hex HMAC-SHA1 of the raw body with the webhook secret (WEBEX_WEBHOOK_SECRET)',
    },
  },
  routes: [
    {
      method: 'post',
      path: '/webhooks/webex',
      tags: ['webhooks'],
      summary: 'Receive a Webex webhook notification',
      description:
        "Meeting instance events are signalled to the instance's workflow; `meetings.created` of a series may turn on " +
        'automatic recording (WEBEX_AUTO_RECORD); anything else is answered 202 with the reason.',
      security: [{ webexSignature: [] }],
      request: { body: jsonRequestBody('The notification as Webex sent it', WebexWebhook) },
      responses: {
        ...WEBHOOK_ANSWERS,
        ...errorResponses({ ...BODY_ERRORS, 401: ['unauthorized'], 503: ['temporal_unavailable'] }),
      },
    },
  ],
};
