// A verified Meeting BaaS v2 webhook becomes a `providerEvent` signal on its meeting.
import type { RequestHandler } from 'express';
import { v2ToProviderEvent, V2_EVENT_TYPES, v2WebhookSchema } from '../../domain/meetingbaas/v2';
import { deliverEvent } from '../deliver';
import { sendError } from '../errors';
import { claimCheck, parseWebhook, type WebhookHandlerDeps } from './webhook-common';

// A ProviderEvent's deliveryId is at most this long; real svix-ids are about 30 characters.
const MAX_SVIX_ID = 200;

/** After `svixSignature(...).verify`: the body is authentic, its svix-id names the delivery. */
export function v2WebhookHandler(deps: WebhookHandlerDeps): RequestHandler {
  return async (req, res) => {
    const deliveryId = req.get('svix-id')!;
    if (deliveryId.length > MAX_SVIX_ID)
      return sendError(res, 400, 'invalid_payload', `svix-id is longer than ${MAX_SVIX_ID} characters`);
    const webhook = parseWebhook(req, res, deps.log, V2_EVENT_TYPES, v2WebhookSchema);
    if (!webhook) return;
    const receivedAt = new Date().toISOString();

    if (webhook.event === 'bot.completed') {
      // The transcript activity reads the transcription URL from the stored body: the workflow gets a claim check.
      const payloadRef = await claimCheck(deps, webhook.data.bot_id, req.rawBody!, res);
      if (payloadRef === undefined) return;
      return deliverEvent(
        deps.gateway,
        v2ToProviderEvent(webhook, { deliveryId, receivedAt, payloadRef: payloadRef ?? undefined }),
        res,
      );
    }
    await deliverEvent(deps.gateway, v2ToProviderEvent(webhook, { deliveryId, receivedAt }), res);
  };
}
