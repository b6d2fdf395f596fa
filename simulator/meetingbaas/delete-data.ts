// The simulator's data deletion: v1 `POST /bots/{uuid}/delete_data` (DeleteResponse) and v2
// `DELETE /v2/bots/{bot_id}/delete-data` (DeleteBotDataResponse; 409 while the bot is still in its meeting).
// Every call is recorded for tests; `refuse` makes the next calls for a bot answer an error status.
import { Router, type RequestHandler } from 'express';

export interface DeleteDataCall {
  botId: string;
  version: 'v1' | 'v2';
  /** v2's `delete_from_provider` query parameter, as sent. */
  deleteFromProvider?: string;
  status: number;
}

/** What the deletion endpoints need of the simulated provider. */
export interface DeletionHost {
  readonly meetings: ReadonlyMap<string, { live?: boolean }>;
}

export class DataDeletions {
  readonly calls: DeleteDataCall[] = [];
  /** Bots whose deletion is refused with this HTTP status (tests of the provider's refusals). */
  readonly refuse = new Map<string, number>();
  private readonly deleted = new Set<string>();

  constructor(private readonly sim: DeletionHost) {}

  /** The status to answer for `botId`: a scripted refusal, 404 for an unknown bot, else 200. */
  private statusFor(botId: string, version: 'v1' | 'v2'): number {
    const refused = this.refuse.get(botId);
    if (refused) return refused;
    const m = this.sim.meetings.get(botId);
    if (!m) return 404;
    if (version === 'v2' && m.live) return 409;
    return 200;
  }

  routes(requireKey: RequestHandler): Router {
    const router = Router();
    router.post('/bots/:uuid/delete_data', requireKey, (req, res) => {
      const botId = String(req.params.uuid);
      const status = this.statusFor(botId, 'v1');
      this.calls.push({ botId, version: 'v1', status });
      // v1 answers its errors without a body ("no content").
      if (status !== 200) return void res.status(status).end();
      const already = this.deleted.has(botId);
      this.deleted.add(botId);
      res.json({ ok: true, status: already ? 'alreadyDeleted' : 'deleted' });
    });
    router.delete('/v2/bots/:botId/delete-data', requireKey, (req, res) => {
      const botId = String(req.params.botId);
      const status = this.statusFor(botId, 'v2');
      const deleteFromProvider =
        typeof req.query.delete_from_provider === 'string' ? req.query.delete_from_provider : undefined;
      this.calls.push({ botId, version: 'v2', deleteFromProvider, status });
      if (status !== 200) {
        const code = status === 404 ? 'BOT_NOT_FOUND' : status === 409 ? 'INVALID_BOT_STATUS' : 'ERROR';
        return void res.status(status).json({ success: false, error: 'Error', code, statusCode: status });
      }
      this.deleted.add(botId);
      res.json({ success: true, data: { message: 'Bot data deleted successfully' } });
    });
    return router;
  }
}
