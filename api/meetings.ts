import { Router } from 'express';
import { externalIdSchema, providerSchema } from '../domain/ids';
import { sendError, zodIssues } from './errors';
import type { MeetingsGateway } from './temporal-gateway';

export function meetingRoutes(gateway: MeetingsGateway): Router {
  const router = Router();
  router.get('/meetings/:provider/:externalId', async (req, res) => {
    const provider = providerSchema.safeParse(req.params.provider);
    if (!provider.success) return sendError(res, 404, 'not_found', `unknown provider ${req.params.provider}`);
    const externalId = externalIdSchema.safeParse(req.params.externalId);
    if (!externalId.success) {
      return sendError(res, 400, 'invalid_payload', 'invalid meeting id', zodIssues(externalId.error));
    }
    const view = await gateway.view(provider.data, externalId.data);
    if (!view) return sendError(res, 404, 'not_found', `no meeting ${provider.data}:${externalId.data}`);
    res.json(view);
  });
  return router;
}
