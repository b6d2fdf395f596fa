// POST /webhooks/meetingbaas: a Meeting BaaS webhook becomes a `providerEvent` signal on its meeting.
// v1 webhooks carry the API key in `x-meeting-baas-api-key`; v2 webhooks are signed by Svix.
import { Router, type RequestHandler } from 'express';
import { v1ToProviderEvent, V1_EVENT_TYPES, v1WebhookSchema } from '../../domain/meetingbaas/v1';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { requireHeaderKey } from '../api-key';
import { closeUntilBodyRead, jsonBody, parseJson, rawJsonBody } from '../body';
import { deliverEvent } from '../deliver';
import { sendError } from '../errors';
import { hasSvixHeaders, svixSignature } from './svix-signature';
import { claimCheck, parseWebhook, type WebhookHandlerDeps } from './webhook-common';
import { v2WebhookHandler } from './webhook-v2';

const PATH = '/webhooks/meetingbaas';
const API_KEY_HEADER = 'x-meeting-baas-api-key';

export interface MeetingBaasWebhookDeps extends WebhookHandlerDeps {
  apiKey: string | undefined;
  /** Svix signing secret (`whsec_…`) of v2 webhooks; unset: v2 webhooks are refused. */
  webhookSecret: string | undefined;
  bodyLimit: number;
}

function v1WebhookHandler(deps: MeetingBaasWebhookDeps): RequestHandler {
  return async (req, res) => {
    const webhook = parseWebhook(req, res, deps.log, V1_EVENT_TYPES, v1WebhookSchema);
    if (!webhook) return;
    const receivedAt = new Date().toISOString();

    if (webhook.event === 'complete') {
      // The body carries the whole transcript: keep it in the archive, send the workflow a claim check.
      const payloadRef = await claimCheck(deps, webhook.data.bot_id, req.rawBody!, res);
      if (payloadRef === undefined) return;
      const recordingUrlExpiresAt = webhook.data.mp4 ? presignedUrlExpiry(webhook.data.mp4) : undefined;
      const event = v1ToProviderEvent(webhook, {
        receivedAt,
        payloadRef: payloadRef ?? undefined,
        recordingUrlExpiresAt,
      });
      return deliverEvent(deps.gateway, event, res);
    }
    await deliverEvent(deps.gateway, v1ToProviderEvent(webhook, { receivedAt }), res);
  };
}

/** Neither version's credentials: say what is expected. */
const requireSomeCredential: RequestHandler = (req, res, next) => {
  if (req.get(API_KEY_HEADER) === undefined)
    return sendError(
      res,
      401,
      'unauthorized',
      `missing ${API_KEY_HEADER} (v1 webhooks) or svix-id, svix-timestamp and svix-signature (v2 webhooks)`,
    );
  next();
};

export function meetingBaasWebhookRoutes(deps: MeetingBaasWebhookDeps): Router {
  const router = Router();
  const svix = svixSignature(deps.webhookSecret, deps.log);

  // v2, recognised by its Svix headers (whatever else the request carries). The cheap checks come before
  // the body is read; the signature is checked on its raw bytes before they are parsed, validated or stored.
  router.post(
    PATH,
    (req, _res, next) => next(hasSvixHeaders(req) ? undefined : 'route'),
    closeUntilBodyRead,
    svix.beforeBody,
    ...rawJsonBody(deps.bodyLimit),
    svix.verify,
    parseJson,
    v2WebhookHandler(deps),
  );

  // v1: the API key header is checked before the body is read.
  router.post(
    PATH,
    closeUntilBodyRead,
    requireSomeCredential,
    requireHeaderKey(API_KEY_HEADER, deps.apiKey, 'Meeting BaaS webhooks'),
    ...jsonBody(deps.bodyLimit),
    v1WebhookHandler(deps),
  );
  return router;
}
