import express, { type ErrorRequestHandler } from 'express';
import type { Archive } from '../platform/archive';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { requireApiToken } from './access';
import { errorHandler, notFound, sendError } from './errors';
import { healthRoutes } from './health';
import { botRoutes } from './meetingbaas/bots';
import { meetingBaasWebhookRoutes } from './meetingbaas/webhook';
import { erasureRoutes } from './erasure';
import { meetingRoutes } from './meetings';
import { ApiMetrics, metricsMiddleware, metricsRoutes, recordAnswers } from './metrics';
import { openApiRoutes } from './openapi';
import { requestLogging } from './request-log';
import { recordingRoutes } from './recording';
import type { PayloadCodec } from '@temporalio/common';
import { codecCors, codecRoutes } from './codec';
import { codecSessionRoutes, codecSessionScope } from './codec-session';
import { TemporalUnavailableError, type MeetingsGateway } from './temporal-gateway';
import { webexWebhookRoutes } from './webex/webhook';

export interface AppDeps {
  config: Pick<
    Config,
    | 'API_TOKENS'
    | 'MEETINGBAAS_API_KEY'
    | 'MEETINGBAAS_WEBHOOK_SECRET'
    | 'WEBEX_WEBHOOK_SECRET'
    | 'WEBEX_AUTO_RECORD'
    | 'WEBHOOK_BODY_LIMIT'
  > &
    Partial<Pick<Config, 'CODEC_CORS_ORIGINS' | 'LOG_FORMAT'>>;
  gateway: MeetingsGateway;
  /** Decodes the payloads the Temporal UI and CLI send to /codec/* (unset: they are not encrypted). */
  codec?: PayloadCodec;
  archive: Archive;
  log: Logger;
  /** The app's Prometheus metrics (a new set when absent). */
  metrics?: ApiMetrics;
  /** True once the process is shutting down (api/main.ts): /readyz answers 503 `shutting_down`. */
  draining?: () => boolean;
}

/** Temporal being down is the sender's cue to retry, never a 500. */
function temporalErrors(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (!(err instanceof TemporalUnavailableError)) return next(err);
    log.warn({ err: err.message }, 'Temporal unavailable');
    sendError(res, 503, 'temporal_unavailable', 'Temporal is not reachable; retry later');
  };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = deps.metrics ?? new ApiMetrics();
  app.use(metricsMiddleware(metrics));
  app.use(recordAnswers);
  app.use(requestLogging(deps.log, { compact: deps.config.LOG_FORMAT === 'pretty' }));
  // The browser's preflight for the codec routes carries no token.
  app.use('/codec', codecCors(deps.config.CODEC_CORS_ORIGINS ?? []));
  // Before every router: a route that needs a token is refused without one, and so is a path nobody serves.
  app.use(
    requireApiToken(deps.config.API_TOKENS, (req) =>
      req.path.startsWith('/codec/')
        ? codecSessionScope(req.get('cookie'), deps.config.API_TOKENS)
        : undefined,
    ),
  );
  app.use(codecSessionRoutes(deps.config.API_TOKENS));
  app.use(codecRoutes(deps.codec));
  app.use(healthRoutes(deps.gateway, { archive: deps.archive, draining: deps.draining, log: deps.log }));
  app.use(metricsRoutes(metrics));
  app.use(openApiRoutes());
  app.use(
    meetingBaasWebhookRoutes({
      apiKey: deps.config.MEETINGBAAS_API_KEY,
      webhookSecret: deps.config.MEETINGBAAS_WEBHOOK_SECRET,
      bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
      gateway: deps.gateway,
      archive: deps.archive,
      log: deps.log,
    }),
  );
  app.use(
    webexWebhookRoutes({
      webhookSecret: deps.config.WEBEX_WEBHOOK_SECRET,
      autoRecord: deps.config.WEBEX_AUTO_RECORD,
      bodyLimit: deps.config.WEBHOOK_BODY_LIMIT,
      gateway: deps.gateway,
      log: deps.log,
    }),
  );
  app.use(meetingRoutes(deps.gateway));
  app.use(recordingRoutes(deps.gateway, deps.archive));
  app.use(erasureRoutes(deps.gateway));
  app.use(botRoutes(deps.gateway));
  app.use(notFound);
  app.use(temporalErrors(deps.log));
  app.use(errorHandler(deps.log));
  return app;
}
