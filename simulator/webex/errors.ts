// Webex answers errors as `{message, errors: [{description}], trackingId}`, with the tracking id also in a
// header; clients log the id, so it is unique per answer as at Webex.
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';

export function webexError(res: Response, status: number, message: string): void {
  const trackingId = `ROUTER_SIM_${randomUUID()}`;
  res
    .status(status)
    .set('trackingid', trackingId)
    .json({ message, errors: [{ description: message }], trackingId });
}
