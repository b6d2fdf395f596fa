import { Router, type Request, type Response } from 'express';
import { externalIdSchema, providerSchema, type Provider } from '../domain/ids';
import { sendError, zodIssues } from './errors';
import { listMeetingsHandler } from './meetings-list';
import { NothingToResendError } from './notifications';
import { RequestRefusedError, type MeetingsGateway } from './temporal-gateway';

/** The meeting named by the path, or undefined once an error answer was sent. */
export function meetingOf(
  req: Request,
  res: Response,
): { provider: Provider; externalId: string } | undefined {
  const provider = providerSchema.safeParse(req.params.provider);
  if (!provider.success) {
    sendError(res, 404, 'not_found', `unknown provider ${String(req.params.provider)}`);
    return undefined;
  }
  const externalId = externalIdSchema.safeParse(req.params.externalId);
  if (!externalId.success) {
    sendError(res, 400, 'invalid_payload', 'invalid meeting id', zodIssues(externalId.error));
    return undefined;
  }
  return { provider: provider.data, externalId: externalId.data };
}

export function meetingRoutes(gateway: MeetingsGateway): Router {
  const router = Router();
  router.get('/meetings', listMeetingsHandler(gateway));
  router.get('/meetings/:provider/:externalId', async (req, res) => {
    const meeting = meetingOf(req, res);
    if (!meeting) return;
    const view = await gateway.view(meeting.provider, meeting.externalId);
    if (!view)
      return sendError(res, 404, 'not_found', `no meeting ${meeting.provider}:${meeting.externalId}`);
    res.json(view);
  });

  router.post('/meetings/:provider/:externalId/recording-url', async (req, res) => {
    const url = await freshRecordingUrl(gateway, req, res);
    if (url) res.json(url);
  });
  /** Deliver the meeting's final notification again (api/notifications.ts says how). */
  router.post('/meetings/:provider/:externalId/notifications/resend', async (req, res) => {
    const meeting = meetingOf(req, res);
    if (!meeting) return;
    try {
      const deliveries = await gateway.resendNotifications(meeting.provider, meeting.externalId);
      if (!deliveries)
        return sendError(res, 404, 'not_found', `no meeting ${meeting.provider}:${meeting.externalId}`);
      res.status(202).json({ deliveries });
    } catch (err) {
      if (!(err instanceof NothingToResendError)) throw err;
      sendError(res, 404, 'not_found', err.message);
    }
  });
  return router;
}

/**
 * A recording URL of the provider valid for at least 10 more minutes (the workflow's refreshRecordingUrl
 * Update), or undefined once an error answer was sent.
 */
export async function freshRecordingUrl(gateway: MeetingsGateway, req: Request, res: Response) {
  const meeting = meetingOf(req, res);
  if (!meeting) return undefined;
  try {
    const url = await gateway.refreshRecordingUrl(meeting.provider, meeting.externalId);
    if (!url) sendError(res, 404, 'not_found', `no open meeting ${meeting.provider}:${meeting.externalId}`);
    return url;
  } catch (err) {
    if (!(err instanceof RequestRefusedError)) throw err;
    sendError(res, 409, 'recording_unavailable', err.message);
    return undefined;
  }
}
