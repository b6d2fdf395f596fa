// Each provider's collector (workflows/<provider>/collector.ts): the one place the workflow side lists the
// providers.
import type { Provider } from '../domain/workflow-id';
import type { CollectorFactory } from './collector';
import { MeetingBaasCollector } from './meetingbaas/collector';
import { WebexCollector } from './webex/collector';

export const COLLECTORS: Record<Provider, CollectorFactory> = {
  meetingbaas: (run) => new MeetingBaasCollector(run),
  webex: (run, carried) => new WebexCollector(run, carried),
};
