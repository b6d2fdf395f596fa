// OpenAPI description of the Meeting BaaS routes (webhook.ts, bots.ts), from the schemas that validate them.
import { z } from 'zod';
import { externalIdSchema } from '../../domain/ids';
import { botRequestSchema } from '../../domain/meetingbaas/bot-request';
import { v1WebhookSchema } from '../../domain/meetingbaas/v1';
import { v2WebhookSchema } from '../../domain/meetingbaas/v2';
import {
  BODY_ERRORS,
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  schemaRef,
  WEBHOOK_ANSWERS,
  type RouteDocs,
} from '../openapi-parts';

const V1Webhook = v1WebhookSchema.meta({
  id: 'MeetingBaasV1Webhook',
  description: 'A Meeting BaaS v1 webhook, authenticated by the `x-meeting-baas-api-key` header',
});
const V2Webhook = v2WebhookSchema.meta({
  id: 'MeetingBaasV2Webhook',
  description: 'A Meeting BaaS v2 webhook, signed by Svix (`svix-id`, `svix-timestamp`, `svix-signature`)',
});
const BotRequest = botRequestSchema.meta({
  id: 'BotRequest',
  description: 'A Meeting BaaS bot to send (the v1 `JoinRequest` fields; translated for a v2 account)',
});

const svixHeaders = z.object({
  'svix-id': z.string().optional().describe('v2: the message id, the same for every delivery attempt'),
  'svix-timestamp': z
    .string()
    .optional()
    .describe('v2: Unix seconds; more than 5 minutes away from now is refused (replay protection)'),
});

const BotSent = z
  .object({ botId: z.string(), workflowId: z.string(), requestId: z.string() })
  .meta({ id: 'BotSent', description: "The provider's bot id and the meeting workflow that follows it" });
const BotPending = z.object({ requestId: z.string(), message: z.string() }).meta({
  id: 'BotPending',
  description: 'The provider has not answered yet; the request goes on: resend it to get its bot id',
});
const BotLeaving = z.object({ workflowId: z.string(), message: z.string() }).meta({ id: 'BotLeaving' });

export const meetingBaasDocs: RouteDocs = {
  schemas: [V1Webhook, V2Webhook],
  securitySchemes: {
    meetingBaasApiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'x-meeting-baas-api-key',
      description: 'v1 webhooks: the Meeting BaaS API key (MEETINGBAAS_API_KEY)',
    },
    svixSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'svix-signature',
      description:
        'v2 webhooks: the Svix signature of svix-id, svix-timestamp and the raw body with MEETINGBAAS_WEBHOOK_SECRET',
    },
  },
  routes: [
    {
      method: 'post',
      path: '/webhooks/meetingbaas',
      tags: ['webhooks'],
      summary: 'Receive a Meeting BaaS webhook (v1 or v2)',
      description:
        'A request with Svix headers is a v2 webhook and its signature decides; otherwise the v1 API key header must match. ' +
        'An event type the service does not follow is answered 202.',
      security: [{ meetingBaasApiKey: [] }, { svixSignature: [] }],
      request: {
        headers: svixHeaders,
        body: {
          description: 'The webhook as the provider sent it',
          required: true,
          content: {
            'application/json': { schema: { anyOf: [schemaRef(V1Webhook), schemaRef(V2Webhook)] } },
          },
        },
      },
      responses: {
        ...WEBHOOK_ANSWERS,
        ...errorResponses({
          ...BODY_ERRORS,
          401: ['unauthorized'],
          503: ['temporal_unavailable', 'archive_unavailable'],
        }),
      },
    },
    {
      method: 'post',
      path: '/bots',
      tags: ['bots'],
      summary: 'Send a Meeting BaaS bot to a meeting',
      description:
        'Through a workflow keyed by the request: resending the same request (same Idempotency-Key, deduplication_key or body) never sends a second bot.',
      request: {
        headers: z.object({
          'idempotency-key': z
            .string()
            .max(200)
            .optional()
            .describe('1 to 200 letters, digits and . _ : -; the same key gets the same bot'),
        }),
        body: jsonRequestBody('The bot to send', BotRequest),
      },
      responses: {
        201: jsonResponse('The bot is sent', BotSent),
        202: jsonResponse('The provider has not answered in time; resend to learn the bot id', BotPending),
        ...errorResponses({
          ...BODY_ERRORS,
          422: ['provider_rejected'],
          502: ['provider_unavailable'],
          503: ['provider_not_configured', 'temporal_unavailable'],
        }),
      },
    },
    {
      method: 'delete',
      path: '/bots/{botId}',
      tags: ['bots'],
      summary: 'Ask a bot to leave its meeting',
      request: { params: z.object({ botId: externalIdSchema }) },
      responses: {
        202: jsonResponse('The meeting workflow asks the provider to remove the bot', BotLeaving),
        ...errorResponses({
          400: ['invalid_payload'],
          404: ['not_found'],
          503: ['temporal_unavailable'],
        }),
      },
    },
  ],
};
