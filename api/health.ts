import { Router } from 'express';
import type { Archive } from '../platform/archive';
import type { Logger } from '../platform/logger';
import { sendError } from './errors';
import type { MeetingsGateway } from './temporal-gateway';

/** A file system that does not answer (a hung network mount) is as good as unwritable. */
const ARCHIVE_CHECK_TIMEOUT_MS = 5000;

export interface ReadinessOptions {
  /** Checked on every /readyz: a probe file is written and removed. */
  archive?: Pick<Archive, 'checkWritable'>;
  /** True once the process is shutting down: /readyz says so at once, so load balancers stop sending. */
  draining?: () => boolean;
  /** Where the archive check's full error goes (the open answer names only its code). */
  log?: Pick<Logger, 'warn'>;
}

/** Undefined when the archive is writable, else why not (without paths: /readyz is open). */
async function archiveProblem({ archive, log }: ReadinessOptions): Promise<string | undefined> {
  if (!archive) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`the archive did not answer within ${ARCHIVE_CHECK_TIMEOUT_MS} ms`),
      ARCHIVE_CHECK_TIMEOUT_MS,
    );
  });
  const check = archive.checkWritable().then(
    () => undefined,
    (err: unknown) => {
      log?.warn({ err }, 'readiness: the archive is not writable');
      const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
      return `the archive is not writable${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`;
    },
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(gateway: MeetingsGateway, options: ReadinessOptions = {}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (options.draining?.())
      return sendError(res, 503, 'shutting_down', 'the API is shutting down: send requests elsewhere');
    const [temporalReady, archive] = await Promise.all([gateway.ready(), archiveProblem(options)]);
    if (!temporalReady) {
      const also = archive ? `; also, ${archive}` : '';
      return sendError(res, 503, 'temporal_unavailable', `Temporal is not reachable${also}`);
    }
    if (archive) return sendError(res, 503, 'archive_unavailable', archive);
    res.json({ status: 'ready' });
  });
  return router;
}
