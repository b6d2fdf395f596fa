// The in-process stack of dev/stack.ts, and what the tests do with it.
import { eventually } from '../../dev/eventually';
import { API_KEY, type Stack } from '../../dev/stack';
import type { MeetingView } from '../../domain/view';

export { eventually } from '../../dev/eventually';
export * from '../../dev/stack';

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'x-meeting-baas-api-key': API_KEY },
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined,
  };
}

/** `viewWhen(botId, done)`: polls the stack's GET /meetings/meetingbaas/:botId until `done` holds. */
export function viewWhenOn(stack: () => Stack, provider: 'meetingbaas' | 'webex' = 'meetingbaas') {
  return (id: string, done: (v: MeetingView) => boolean, timeoutMs = 30_000): Promise<MeetingView> =>
    eventually(
      async () => (await (await stack().api(`/meetings/${provider}/${id}`)).json()) as MeetingView,
      (v) => !!v && 'status' in v && done(v),
      timeoutMs,
    );
}
