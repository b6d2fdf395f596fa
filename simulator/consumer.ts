// A service that uses the meetings, as the orchestrator's notifications see it: POST /consumer/<name>
// records what it received (raw body and the Standard Webhooks headers, for signature checks) and answers
// as told: 200, another status (a 5xx, 410 Gone), or no answer at all (a hung consumer), for a number of
// requests or until told otherwise. Tests drive it in-process; the demo through its control routes.
import express, { Router } from 'express';
import { z } from 'zod';

/** How the consumer answers its next requests. */
export interface ConsumerBehaviour {
  /** The status to answer (default 200). */
  status?: number;
  /** Hold each request this long before answering; Infinity: never answer. */
  hangMs?: number;
  /** For this many requests only, then 200 again; unset: until told otherwise. */
  times?: number;
}

export interface ReceivedNotification {
  at: string;
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
  /** The raw body, as signed. */
  body: string;
  /** What the consumer answered ('hang' when it never did). */
  answered: number | 'hang';
}

const behaviourSchema = z.object({
  status: z.number().int().min(200).max(599).optional(),
  hangMs: z.number().nonnegative().optional(),
  times: z.number().int().positive().optional(),
});

export class NotificationConsumer {
  private readonly behaviours = new Map<string, ConsumerBehaviour>();
  private readonly log = new Map<string, ReceivedNotification[]>();

  /** How consumer `name` answers from now on. */
  behave(name: string, behaviour: ConsumerBehaviour): void {
    this.behaviours.set(name, { ...behaviour });
  }

  /** Everything consumer `name` received, oldest first. */
  received(name: string): ReceivedNotification[] {
    return [...(this.log.get(name) ?? [])];
  }

  routes(): Router {
    const router = Router();
    router.post('/consumer/:name', express.raw({ type: () => true, limit: '16mb' }), (req, res) => {
      const name = req.params.name;
      const behaviour = this.next(name);
      const entry: ReceivedNotification = {
        at: new Date().toISOString(),
        headers: {
          'webhook-id': req.get('webhook-id') ?? '',
          'webhook-timestamp': req.get('webhook-timestamp') ?? '',
          'webhook-signature': req.get('webhook-signature') ?? '',
        },
        body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
        answered: behaviour.hangMs === Infinity ? 'hang' : (behaviour.status ?? 200),
      };
      this.log.set(name, [...(this.log.get(name) ?? []), entry]);
      const answer = () => {
        if (!res.writableEnded) res.status(behaviour.status ?? 200).json({ consumer: name });
      };
      if (behaviour.hangMs === Infinity) return;
      if (behaviour.hangMs) setTimeout(answer, behaviour.hangMs).unref();
      else answer();
    });
    // The demo's controls: how a consumer answers, and what it received.
    router.put('/consumer/:name/behaviour', express.json(), (req, res) => {
      const parsed = behaviourSchema.safeParse(req.body);
      if (!parsed.success)
        return res.status(400).json({ error: 'invalid_payload', issues: parsed.error.issues });
      this.behave(req.params.name, parsed.data);
      res.json(parsed.data);
    });
    router.get('/consumer/:name/received', (req, res) => {
      res.json(this.received(req.params.name));
    });
    return router;
  }

  /** The behaviour for this request, counting down a limited one. */
  private next(name: string): ConsumerBehaviour {
    const behaviour = this.behaviours.get(name);
    if (!behaviour) return {};
    if (behaviour.times !== undefined) {
      behaviour.times--;
      if (behaviour.times <= 0) this.behaviours.delete(name);
    }
    return behaviour;
  }
}
