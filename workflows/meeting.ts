// One meeting, from its first webhook to its archived assets: webhooks arrive as `providerEvent` signals and
// move the pure domain `Meeting`; the run (workflows/meeting-run.ts) waits, collects through the provider's
// collector, publishes, and hands over to a new run before Temporal's limits.
import type { MeetingWorkflowInput } from '../contract/workflow';
import type { MeetingView } from '../domain/view';
import { MeetingRun } from './meeting-run';

export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingView> {
  return await new MeetingRun(input).execute();
}
