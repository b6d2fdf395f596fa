// Webhooks as Meeting BaaS sends them: the event's JSON body with the account's API key header, one POST
// per event, retried with backoff on a connection error, a 5xx or a 429 (a provider keeps trying for a
// while), given up on any other answer or when the retry window is over.
import { setTimeout as delay } from 'node:timers/promises';

export interface DeliveryResult {
  status: number | 'gave_up';
  attempts: number;
  /** What the failed attempts got, e.g. `ECONNREFUSED`, `503` (kept for the report). */
  failures: string[];
}

export interface DeliveryOptions {
  apiKey: string;
  /** How long the provider keeps retrying one event. */
  retryWindowMs: number;
}

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
const ATTEMPT_TIMEOUT_MS = 30_000;

const retryable = (status: number) => status >= 500 || status === 429;

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? (err instanceof Error ? err.name : String(err));
}

export async function deliverWebhook(url: string, body: object, o: DeliveryOptions): Promise<DeliveryResult> {
  const giveUpAt = Date.now() + o.retryWindowMs;
  const failures: string[] = [];
  for (
    let attempt = 1, backoff = FIRST_BACKOFF_MS;
    ;
    attempt++, backoff = Math.min(MAX_BACKOFF_MS, backoff * 2)
  ) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': o.apiKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (!retryable(res.status)) return { status: res.status, attempts: attempt, failures };
      failures.push(String(res.status));
    } catch (err) {
      failures.push(describe(err));
    }
    if (Date.now() + backoff > giveUpAt) return { status: 'gave_up', attempts: attempt, failures };
    await delay(backoff);
  }
}
