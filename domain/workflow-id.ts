// The meeting workflow id, shared by the workflows, the API and the clients. Free of zod on purpose: the
// workflow bundle evaluates every module it imports once per workflow, so a schema library here would cost
// every open meeting its memory and every new one its CPU (BENCHMARKS.md).

export const PROVIDERS = ['meetingbaas', 'webex'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function meetingWorkflowId(provider: Provider, externalId: string): string {
  return `${provider}:${externalId}`;
}
