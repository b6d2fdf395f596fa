// The Meeting tests' shared fixtures (test/unit/meeting-*.test.ts): Meeting BaaS events as the API
// normalises them, at fixed times, and archived assets.
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import type { LifecycleEvent } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';

export const BOT = 'bot-1';
export const RECORDING_URL =
  'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4?X-Amz-Signature=abc';
export const PAYLOAD_REF = {
  uri: 'file:///archive/inbox/meetingbaas/bot-1/x.json',
  bytes: 10,
  sha256: 'b'.repeat(64),
};

export const t = (minute: number, second = 0) =>
  new Date(Date.UTC(2024, 0, 1, 12, minute, second)).toISOString(); // 2024-01-01T12:mm:ss.000Z

/** A status change as the API would normalise it (kind written by hand, not looked up). */
export function status(
  kind: LifecycleEvent,
  code: string,
  occurredAt: string,
  extra: Partial<ProviderEvent> = {},
): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind,
    code,
    occurredAt,
    receivedAt: occurredAt,
    source: 'webhook',
    dedupeKey: `status:${code}:${occurredAt}`,
    ...extra,
  });
}

export function complete(
  receivedAt: string,
  { url = RECORDING_URL, transcript = true }: { url?: string | null; transcript?: boolean } = {},
): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind: 'final_data',
    code: 'complete',
    receivedAt,
    source: 'webhook',
    dedupeKey: 'complete',
    ...(url ? { recording: { url, urlExpiresAt: '2024-01-01T15:00:00.000Z' } } : {}),
    hasTranscript: transcript,
    ...(transcript ? { payloadRef: PAYLOAD_REF } : {}),
  });
}

export function failed(receivedAt: string, error?: { code: string; message: string }): ProviderEvent {
  return providerEventSchema.parse({
    provider: 'meetingbaas',
    externalId: BOT,
    kind: 'final_failure',
    code: 'failed',
    receivedAt,
    source: 'webhook',
    dedupeKey: `failed:${error?.code ?? 'none'}`,
    ...(error ? { error } : {}),
  });
}

export const joining = (at: string) => status('joining', 'joining_call', at);
export const waiting = (at: string) => status('waiting_room', 'in_waiting_room', at);
export const inCall = (at: string) => status('in_call', 'in_call_not_recording', at);
export const recording = (at: string) => status('recording', 'in_call_recording', at);
export const paused = (at: string) => status('paused', 'recording_paused', at);
export const resumed = (at: string) => status('recording', 'recording_resumed', at);
export const callEnded = (at: string) => status('ended', 'call_ended', at);
export const botRejected = (at: string) =>
  status('ended_unadmitted', 'bot_rejected', at, { endReason: 'bot_rejected' });
export const meetingError = (at: string) =>
  status('ended', 'meeting_error', at, { endReason: 'meeting_error' });

export const archived = (name: string) => ({
  status: 'archived' as const,
  archive: { uri: `file:///archive/meetingbaas/bot-1/${name}`, bytes: 100, sha256: 'c'.repeat(64) },
});

export const fresh = () => new Meeting('meetingbaas', BOT);
