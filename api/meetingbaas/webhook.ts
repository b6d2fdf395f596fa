// POST /webhooks/meetingbaas: a Meeting BaaS v1 webhook becomes a `providerEvent` signal on its meeting.
import { Router } from 'express';
import { z } from 'zod';
import { v1ToProviderEvent, V1_EVENT_TYPES, v1WebhookSchema } from '../../domain/meetingbaas/v1';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import type { ProviderEvent } from '../../domain/events';
import type { FileArchive } from '../../platform/archive';
import type { Logger } from '../../platform/logger';
import { requireHeaderKey } from '../api-key';
import { jsonBody } from '../body';
import { sendError, zodIssues } from '../errors';
import { deliverEvent } from '../deliver';
import type { MeetingsGateway } from '../temporal-gateway';

const envelopeSchema = z.object({ event: z.string().min(1) });

export interface MeetingBaasWebhookDeps {
  apiKey: string | undefined;
  bodyLimit: number;
  gateway: MeetingsGateway;
  archive: FileArchive;
  log: Logger;
}

export function meetingBaasWebhookRoutes(deps: MeetingBaasWebhookDeps): Router {
  const router = Router();
  router.post(
    '/webhooks/meetingbaas',
    requireHeaderKey('x-meeting-baas-api-key', deps.apiKey, 'Meeting BaaS webhooks'),
    ...jsonBody(deps.bodyLimit),
    async (req, res) => {
      const envelope = envelopeSchema.safeParse(req.body);
      if (!envelope.success) {
        return sendError(
          res,
          400,
          'invalid_payload',
          'not a Meeting BaaS webhook',
          zodIssues(envelope.error),
        );
      }
      if (!V1_EVENT_TYPES.has(envelope.data.event)) {
        deps.log.info({ event: envelope.data.event }, 'ignored Meeting BaaS event type');
        return res.status(202).json({ ignored: true });
      }
      const parsed = v1WebhookSchema.safeParse(req.body);
      if (!parsed.success) {
        return sendError(
          res,
          400,
          'invalid_payload',
          `invalid ${envelope.data.event} event`,
          zodIssues(parsed.error),
        );
      }
      const webhook = parsed.data;
      const receivedAt = new Date().toISOString();

      let event: ProviderEvent;
      if (webhook.event === 'complete') {
        // The body carries the whole transcript: keep it in the archive, send the workflow a claim check.
        let payloadRef;
        try {
          payloadRef = await deps.archive.putContentAddressed(
            `inbox/meetingbaas/${webhook.data.bot_id}`,
            req.rawBody!,
            '.json',
          );
        } catch (err) {
          deps.log.error({ err }, 'could not store the complete body in the archive');
          return sendError(res, 503, 'archive_unavailable', 'the archive cannot be written; retry later');
        }
        const recordingUrlExpiresAt = webhook.data.mp4 ? presignedUrlExpiry(webhook.data.mp4) : undefined;
        event = v1ToProviderEvent(webhook, { receivedAt, payloadRef, recordingUrlExpiresAt });
      } else {
        event = v1ToProviderEvent(webhook, { receivedAt, raw: req.body });
      }
      await deliverEvent(deps.gateway, event, res);
    },
  );
  return router;
}
