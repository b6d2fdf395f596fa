// GET /meetings: meetings listed from Temporal visibility by their search attributes (the request and
// answer schemas are the contract's: contract/meetings-list.ts).
import type { Request, Response } from 'express';
import { MeetingRequestRefusedError } from '../client/errors';
import { meetingsListQuerySchema } from '../contract/meetings-list';
import { sendError, zodIssues } from './errors';
import type { MeetingsGateway } from './temporal-gateway';

export function listMeetingsHandler(gateway: Pick<MeetingsGateway, 'list'>) {
  return async (req: Request, res: Response): Promise<void> => {
    const query = meetingsListQuerySchema.safeParse(req.query);
    if (!query.success)
      return sendError(res, 400, 'invalid_payload', 'invalid meeting list filters', zodIssues(query.error));
    try {
      res.json(await gateway.list(query.data));
    } catch (err) {
      // Temporal refused the cursor (well-formed, but not one of its page tokens).
      if (!(err instanceof MeetingRequestRefusedError)) throw err;
      sendError(res, 400, 'invalid_payload', err.message, err.issues);
    }
  };
}
