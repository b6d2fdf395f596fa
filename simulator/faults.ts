// Faults on demand for the simulator: the next N requests matching a method and path answer with an error
// status (5xx bursts, 429 with Retry-After), and every request is logged so tests can check the timing
// of retries.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';

export const faultSchema = z.object({
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** The request path starts with this (query string excluded). */
  pathPrefix: z.string().startsWith('/'),
  status: z.number().int().min(400).max(599),
  /** How many matching requests fail before the fault is used up. */
  count: z.number().int().min(1).default(1),
  /** Sent as Retry-After (seconds) with the error. */
  retryAfterSeconds: z.number().int().min(0).optional(),
});
export type FaultInput = z.input<typeof faultSchema>;
type Fault = z.infer<typeof faultSchema>;

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string, without `?`. */
  query: string;
  at: number;
  /** Set when a fault answered the request. */
  faultStatus?: number;
}

export class Faults {
  private faults: Fault[] = [];
  readonly requests: LoggedRequest[] = [];

  add(input: FaultInput): void {
    this.faults.push(faultSchema.parse(input));
  }

  clear(): void {
    this.faults = [];
  }

  /** Requests so far whose path starts with `prefix`. */
  requestsTo(prefix: string, method?: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const entry: LoggedRequest = {
        method: req.method,
        path: req.path,
        query: req.originalUrl.split('?')[1] ?? '',
        at: Date.now(),
      };
      if (!req.path.startsWith('/sim/')) this.requests.push(entry);
      const fault = this.faults.find(
        (f) => f.count > 0 && req.path.startsWith(f.pathPrefix) && (!f.method || f.method === req.method),
      );
      if (!fault) return next();
      fault.count--;
      entry.faultStatus = fault.status;
      if (fault.retryAfterSeconds !== undefined) res.set('retry-after', String(fault.retryAfterSeconds));
      res.status(fault.status).json({ error: 'Simulated fault', statusCode: fault.status });
    };
  }

  /** POST /sim/faults adds one, DELETE /sim/faults clears them, GET /sim/requests lists the log. */
  routes(): Router {
    const router = Router();
    router.post('/sim/faults', (req, res) => {
      const parsed = faultSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        return void res
          .status(400)
          .json({ error: 'invalid_payload', message: z.prettifyError(parsed.error) });
      }
      this.faults.push(parsed.data);
      res.status(201).json(parsed.data);
    });
    router.delete('/sim/faults', (_req, res) => {
      this.clear();
      res.status(204).end();
    });
    router.get('/sim/requests', (_req, res) => res.json(this.requests));
    return router;
  }
}
