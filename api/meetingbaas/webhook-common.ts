// What v1 and v2 Meeting BaaS webhooks share once authenticated: reading the event, storing big bodies.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ArchiveRef } from '../../domain/archive-ref';
import { MeetingErasedError, type Archive } from '../../platform/archive';
import type { Logger } from '../../platform/logger';
import { sendError, zodIssues } from '../errors';
import type { MeetingsGateway } from '../temporal-gateway';

/** What a handler of an authenticated webhook uses: where the event goes, where big bodies are kept. */
export interface WebhookHandlerDeps {
  gateway: MeetingsGateway;
  archive: Archive;
  log: Logger;
}

const envelopeSchema = z.object({ event: z.string().min(1) });

/**
 * The webhook in `req.body`, or undefined once the answer is sent: 400 `invalid_payload` with the issues
 * when malformed, 202 `{ignored: true}` for an event type outside `known`.
 */
export function parseWebhook<T>(
  req: Request,
  res: Response,
  log: Logger,
  known: ReadonlySet<string>,
  schema: z.ZodType<T>,
): T | undefined {
  const envelope = envelopeSchema.safeParse(req.body);
  if (!envelope.success) {
    sendError(res, 400, 'invalid_payload', 'not a Meeting BaaS webhook', zodIssues(envelope.error));
    return undefined;
  }
  const { event } = envelope.data;
  if (!known.has(event)) {
    log.info({ event }, 'ignored Meeting BaaS event type');
    res.status(202).json({ ignored: true });
    return undefined;
  }
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    sendError(res, 400, 'invalid_payload', `invalid ${event} event`, zodIssues(parsed.error));
    return undefined;
  }
  return parsed.data;
}

/**
 * Stores the raw body in the archive and returns its claim check (content-addressed: a redelivery is
 * stored once), or undefined once 503 is sent because the archive cannot be written. Null: the meeting's data
 * was erased on request, so the body is not stored; the event is still delivered (recorded in its history)
 * without it.
 */
export async function claimCheck(
  deps: Pick<WebhookHandlerDeps, 'archive' | 'log'>,
  botId: string,
  raw: Buffer,
  res: Response,
): Promise<ArchiveRef | null | undefined> {
  try {
    return await deps.archive.putContentAddressed(`inbox/meetingbaas/${botId}`, raw, '.json');
  } catch (err) {
    if (err instanceof MeetingErasedError) {
      deps.log.info({ workflowId: err.workflowId }, 'webhook body not stored: the meeting was erased');
      return null;
    }
    deps.log.error({ err }, 'could not store the webhook body in the archive');
    sendError(res, 503, 'archive_unavailable', 'the archive cannot be written; retry later');
    return undefined;
  }
}
