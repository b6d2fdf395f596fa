// POST /webhooks/webex: a signed Webex notification becomes a `providerEvent` signal on the meeting
// instance's workflow, or (meetings created, when configured) turns on the meeting's automatic recording.
import { Router, type RequestHandler } from 'express';
import {
  isKnownWebexEvent,
  webexAction,
  webexEnvelopeSchema,
  webexWebhookSchema,
} from '../../domain/webex/webhook';
import type { Logger } from '../../platform/logger';
import { closeUntilBodyRead, parseJson, rawJsonBody } from '../body';
import { deliverEvent } from '../deliver';
import { sendError, zodIssues } from '../errors';
import type { MeetingsGateway } from '../temporal-gateway';
import { sparkSignatureCheck } from './spark-signature';

export interface WebexWebhookDeps {
  webhookSecret: string | undefined;
  /** Turn on automatic recording of meetings as they are created. */
  autoRecord: boolean;
  bodyLimit: number;
  gateway: MeetingsGateway;
  log: Logger;
}

function webexWebhookHandler(deps: WebexWebhookDeps): RequestHandler {
  return async (req, res) => {
    const envelope = webexEnvelopeSchema.safeParse(req.body);
    if (!envelope.success)
      return sendError(res, 400, 'invalid_payload', 'not a Webex notification', zodIssues(envelope.error));
    const { resource, event } = envelope.data;
    if (!isKnownWebexEvent(resource, event)) {
      deps.log.info({ resource, event }, 'ignored Webex notification');
      return void res.status(202).json({ ignored: true, message: `${resource}.${event} is not handled` });
    }
    const parsed = webexWebhookSchema.safeParse(req.body);
    if (!parsed.success)
      return sendError(
        res,
        400,
        'invalid_payload',
        `invalid ${resource}.${event} notification`,
        zodIssues(parsed.error),
      );

    const action = webexAction(parsed.data, new Date().toISOString());
    switch (action.action) {
      case 'signal':
        return deliverEvent(deps.gateway, action.event, res);
      case 'auto_record': {
        if (!deps.autoRecord)
          return void res
            .status(202)
            .json({ ignored: true, message: 'automatic recording is off (WEBEX_AUTO_RECORD)' });
        const { workflowId } = await deps.gateway.enableWebexAutoRecord(action.meetingId);
        return void res.status(200).json({ workflowId });
      }
      case 'ignore':
        deps.log.info({ resource, event, reason: action.reason }, 'ignored Webex notification');
        return void res.status(202).json({ ignored: true, message: action.reason });
    }
  };
}

export function webexWebhookRoutes(deps: WebexWebhookDeps): Router {
  const router = Router();
  const signature = sparkSignatureCheck(deps.webhookSecret);
  // The signature header is looked at before the body is read, the signature checked on the raw bytes
  // before they are parsed.
  router.post(
    '/webhooks/webex',
    closeUntilBodyRead,
    signature.beforeBody,
    ...rawJsonBody(deps.bodyLimit),
    signature.verify,
    parseJson,
    webexWebhookHandler(deps),
  );
  return router;
}
