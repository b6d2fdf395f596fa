import { LRUCache } from 'lru-cache';

/**
 * The webhooks this API process signalled to an open meeting lately, by workflow id and dedupe key. A
 * provider's retry storm repeats the same few webhooks thousands of times; the meeting records a duplicate
 * once either way, but every signal counts towards Temporal's limit of 10,000 per execution, and a meeting
 * whose workflow task waits behind a backlog cannot continue as new meanwhile. A delivery seen here is
 * answered as delivered without a signal: it was in the meeting's history when it was remembered.
 * Per process: several APIs each remember their own.
 */
export class RecentDeliveries {
  private readonly signalled: LRUCache<string, true>;

  constructor(options: { windowSeconds: number; maxEntries?: number }) {
    this.signalled = new LRUCache<string, true>({
      max: options.maxEntries ?? 100_000,
      ttl: options.windowSeconds * 1000,
    });
  }

  has(workflowId: string, dedupeKey: string): boolean {
    return this.signalled.has(key(workflowId, dedupeKey));
  }

  remember(workflowId: string, dedupeKey: string): void {
    this.signalled.set(key(workflowId, dedupeKey), true);
  }
}

// Length-prefixed, so that no workflow id and dedupe key pair can spell another pair's key.
const key = (workflowId: string, dedupeKey: string) => `${workflowId.length}:${workflowId}${dedupeKey}`;
