// DELETE …/data: erasure on request. Answered 202 once the meeting's workflow holds the request; the view's
// `deletedAt` says when it is done, `erasure.provider` what the provider answered.
import { Router } from 'express';
import { z } from 'zod';
import { sendError, zodIssues } from './errors';
import { meetingOf } from './meetings';
import type { MeetingsGateway } from './temporal-gateway';

export const erasureQuerySchema = z.object({
  provider: z
    .enum(['true', 'false'])
    .optional()
    .describe('`true`: ask the provider to delete its copy too, where its API allows'),
});

export function erasureRoutes(gateway: MeetingsGateway): Router {
  const router = Router();
  router.delete('/meetings/:provider/:externalId/data', async (req, res) => {
    const meeting = meetingOf(req, res);
    if (!meeting) return;
    const query = erasureQuerySchema.safeParse(req.query);
    if (!query.success)
      return sendError(res, 400, 'invalid_payload', 'invalid query', zodIssues(query.error));
    const request = { requestedAt: new Date().toISOString(), provider: query.data.provider === 'true' };
    const accepted = await gateway.eraseData(meeting.provider, meeting.externalId, request);
    if (!accepted)
      return sendError(res, 404, 'not_found', `no meeting ${meeting.provider}:${meeting.externalId}`);
    res.status(202).json({ workflowId: accepted.workflowId, requestedAt: request.requestedAt });
  });
  return router;
}
