// POST /bots sends a Meeting BaaS bot, DELETE /bots/:botId makes it leave; both through Temporal workflows.
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { classifyFailure } from '../../domain/failures';
import { externalIdSchema } from '../../domain/ids';
import { redactMeetingUrl } from '../../domain/redact';
import { botRequestSchema, type BotRequest } from '../../domain/meetingbaas/bot-request';
import { jsonBody } from '../body';
import { sendError, zodIssues } from '../errors';
import { RequestRefusedError, type MeetingsGateway } from '../temporal-gateway';

const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'use 1 to 200 letters, digits and . _ : -');

/**
 * The request's key: the caller's `Idempotency-Key`, else the provider's `deduplication_key`, else a hash of
 * the request itself, so that resending the same request is recognised as the same request.
 */
export function botRequestKey(request: BotRequest, header: string | undefined): string {
  if (header) return `key:${header}`;
  if (request.deduplication_key)
    return `dedup:${createHash('sha256').update(request.deduplication_key).digest('hex').slice(0, 40)}`;
  // The key is in the workflow id, visible in Temporal: hashed without the secrets (a short meeting passcode
  // could be found from a hash of the whole request). Requests that differ only in those are the same one.
  const { speech_to_text: stt, ...rest } = request;
  const withoutSecrets = {
    ...rest,
    meeting_url: redactMeetingUrl(request.meeting_url),
    speech_to_text: typeof stt === 'object' ? stt.provider : stt,
  };
  return `body:${createHash('sha256').update(JSON.stringify(withoutSecrets)).digest('hex').slice(0, 40)}`;
}

/** The answer to a refused request, as the one failure table (domain/failures.ts) classifies its type. */
function sendRefusal(res: Response, err: RequestRefusedError): void {
  const failure = classifyFailure(err.type);
  const code =
    failure.verdict === 'config'
      ? 'provider_not_configured'
      : failure.retryable
        ? 'provider_unavailable'
        : 'provider_rejected';
  sendError(res, failure.httpStatus, code, err.message);
}

export function botRoutes(gateway: MeetingsGateway): Router {
  const router = Router();
  router.post('/bots', ...jsonBody(1024 * 1024), async (req, res) => {
    const header = req.get('idempotency-key');
    const key = header === undefined ? undefined : idempotencyKeySchema.safeParse(header);
    if (key && !key.success) {
      return sendError(res, 400, 'invalid_payload', 'invalid Idempotency-Key header', zodIssues(key.error));
    }
    const parsed = botRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_payload', 'invalid bot request', zodIssues(parsed.error));
    }
    try {
      const result = await gateway.sendBot(parsed.data, botRequestKey(parsed.data, key?.data));
      if (result.state === 'pending') {
        return void res.status(202).json({
          requestId: result.requestId,
          message: 'the provider has not answered yet; the request goes on, resend it to get its bot id',
        });
      }
      res
        .status(201)
        .json({ botId: result.botId, workflowId: result.workflowId, requestId: result.requestId });
    } catch (err) {
      if (err instanceof RequestRefusedError) return sendRefusal(res, err);
      throw err;
    }
  });

  router.delete('/bots/:botId', async (req, res) => {
    const botId = externalIdSchema.safeParse(req.params.botId);
    if (!botId.success)
      return sendError(res, 400, 'invalid_payload', 'invalid bot id', zodIssues(botId.error));
    const result = await gateway.removeBot(botId.data);
    if (!result) return sendError(res, 404, 'not_found', `no open meeting for bot ${botId.data}`);
    res.status(202).json({ workflowId: result.workflowId, message: 'the bot is asked to leave' });
  });
  return router;
}
