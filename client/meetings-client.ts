// One way for other services to read meetings, whether they go through the HTTP API or a Temporal client.
import { z } from 'zod';
import type { MeetingsList } from '../contract/meetings-list';
import type { RecordingUrl } from '../contract/workflow';
import { externalIdSchema, providerSchema, type Provider } from '../domain/ids';
import type { MeetingStatus } from '../domain/lifecycle';
import type { MeetingView } from '../domain/view';
import { MeetingRequestRefusedError } from './errors';

export interface MeetingsFilter {
  provider?: Provider;
  status?: MeetingStatus;
  /** 1 to 100; 20 when not given. */
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

/** Every method throws a MeetingClientError: not found, unavailable (retry later), refused or invalid response. */
export interface MeetingsClient {
  /** The MeetingView, also of a closed meeting (within the namespace's retention). */
  getMeeting(provider: Provider, externalId: string): Promise<MeetingView>;
  /** One page, newest first. */
  listMeetings(filter?: MeetingsFilter): Promise<MeetingsList>;
  /** A recording URL valid for at least 10 more minutes; only an open meeting can give one. */
  refreshRecordingUrl(provider: Provider, externalId: string): Promise<RecordingUrl>;
}

/** Every meeting that matches, page after page. */
export async function* allMeetings(
  client: MeetingsClient,
  filter: Omit<MeetingsFilter, 'cursor'> = {},
): AsyncGenerator<MeetingsList['items'][number]> {
  let cursor: string | undefined;
  do {
    const page = await client.listMeetings({ ...filter, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

const meetingRefSchema = z.object({ provider: providerSchema, externalId: externalIdSchema });

/** Both implementations refuse a malformed meeting reference the same way, before asking anyone. */
export function checkedMeetingRef(
  provider: string,
  externalId: string,
): { provider: Provider; externalId: string } {
  const ref = meetingRefSchema.safeParse({ provider, externalId });
  if (ref.success) return ref.data;
  const issues = ref.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new MeetingRequestRefusedError('invalid meeting reference', 'invalid_payload', issues);
}
