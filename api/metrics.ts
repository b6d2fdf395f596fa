// GET /metrics: the API's Prometheus metrics. Requests by route pattern (never the raw URL, which would
// make one series per meeting) and status, webhooks by provider and outcome, and the process's own.
import type { RequestHandler, Response } from 'express';
import { Router } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/** Process metrics (CPU, memory, event loop, GC) are per process: collected once, whatever the apps. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The metrics of one app (an app per test, so not prom-client's global registry). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    // POST /bots may wait up to BOT_REQUEST_TIMEOUT_MS (30 s) for the provider.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'webhook_deliveries_total',
    help:
      'Webhook deliveries by provider, outcome (accepted, ignored, rejected: 4xx, failed: 5xx) and reason ' +
      '(accepted, closed, ignored, or the error code)',
    labelNames: ['provider', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });

  async scrape(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}

/** The JSON an answer carried, kept for the metrics and the request log (see `recordAnswers`). */
export function answerOf(res: Response): Record<string, unknown> | undefined {
  const answer: unknown = res.locals.answer;
  return typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : undefined;
}

/** Keeps each JSON answer in `res.locals.answer`: the webhook reason is its error code, its workflowId is logged. */
export const recordAnswers: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    res.locals.answer = body;
    return json(body);
  };
  next();
};

/** How a webhook delivery ended, from its answer. */
export function webhookOutcome(
  status: number,
  answer: Record<string, unknown> | undefined,
): { outcome: 'accepted' | 'ignored' | 'rejected' | 'failed'; reason: string } {
  if (status === 200) return { outcome: 'accepted', reason: 'accepted' };
  if (status === 202)
    // A known meeting whose workflow has closed, or an event the service does not follow.
    return { outcome: 'ignored', reason: typeof answer?.workflowId === 'string' ? 'closed' : 'ignored' };
  const reason = typeof answer?.error === 'string' ? answer.error : `http_${status}`;
  return { outcome: status >= 500 ? 'failed' : 'rejected', reason };
}

const WEBHOOK_ROUTE = /^\/webhooks\/([a-z]+)$/;

/** Counts and times every request once it is answered. Mount first. */
export function metricsMiddleware(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.duration.startTimer();
    res.once('finish', () => {
      // The matched route's pattern; requests no route took are one series, whatever their path.
      // (Express route paths are strings here: every route is declared with one.)
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = pattern === undefined ? 'unmatched' : `${req.baseUrl}${pattern}`;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      stop(labels);
      const provider = WEBHOOK_ROUTE.exec(route)?.[1];
      if (provider) metrics.webhooks.inc({ provider, ...webhookOutcome(res.statusCode, answerOf(res)) });
    });
    next();
  };
}

export function metricsRoutes(metrics: ApiMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.scrape();
    res.type(contentType).send(body);
  });
  return router;
}
