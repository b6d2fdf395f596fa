import type { Response } from 'express';
import type { ProviderEvent } from '../domain/events';
import type { MeetingsGateway } from './temporal-gateway';

/**
 * Signals the event and answers: 200 once it is in the workflow's history (a late final webhook: in the
 * history of the new run it started), 202 if the meeting is closed and the event announces no final data.
 */
export async function deliverEvent(
  gateway: MeetingsGateway,
  event: ProviderEvent,
  res: Response,
): Promise<void> {
  const { workflowId, closed } = await gateway.deliver(event);
  if (closed) {
    res.status(202).json({ ignored: true, workflowId, message: 'the meeting is already closed' });
    return;
  }
  res.status(200).json({ workflowId });
}
