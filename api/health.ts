import { Router } from 'express';
import { sendError } from './errors';
import type { MeetingsGateway } from './temporal-gateway';

export function healthRoutes(gateway: MeetingsGateway): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (await gateway.ready()) return res.json({ status: 'ready' });
    sendError(res, 503, 'temporal_unavailable', 'Temporal is not reachable');
  });
  return router;
}
