// Erasure of a meeting's objects (DELETE /meetings/:p/:id/data), and the guard that keeps anything of an erased
// meeting from being archived again, whoever writes it (an activity still downloading, a late webhook's body).
import type { Provider } from '../../domain/workflow-id';
import type { Archive } from './archive';
import type { PartialWrite } from './resumable';

/** A write refused because the meeting's data was erased on request. */
export class MeetingErasedError extends Error {
  constructor(readonly workflowId: string) {
    super(`the data of ${workflowId} was erased on request: nothing of it is archived again`);
  }
}

export interface MeetingRef {
  provider: Provider;
  externalId: string;
}

const PROVIDERS: ReadonlySet<string> = new Set<Provider>(['meetingbaas', 'webex']);

/**
 * Where a meeting's objects are: its assets (`<provider>/<id>/`), its stored webhook bodies and the bodies of
 * the notifications sent about it (activities/notify/prepare.ts).
 */
export function meetingPrefixes({ provider, externalId }: MeetingRef): string[] {
  return [
    `${provider}/${externalId}`,
    `inbox/${provider}/${externalId}`,
    `notifications/${provider}/${externalId}`,
  ];
}

/**
 * The erasure's mark: written before the objects are deleted and kept afterwards (it holds only when), so
 * that a write that checks it after publishing its object (ErasureGuard) either meets it or is deleted.
 */
export function tombstoneKey({ provider, externalId }: MeetingRef): string {
  return `erased/${provider}/${externalId}.json`;
}

/** The meeting an archive key (or key prefix) belongs to, if any: `<provider>/<id>/…`, `inbox/<provider>/<id>…`. */
export function meetingOfKey(key: string): MeetingRef | undefined {
  const segments = key.split('/');
  const [provider, externalId] = segments[0] === 'inbox' ? segments.slice(1) : segments;
  if (!provider || !externalId || !PROVIDERS.has(provider)) return undefined;
  return { provider: provider as Provider, externalId };
}

/**
 * Erases a meeting's objects: the mark first, then everything under its prefixes. Idempotent (a second
 * erasure finds nothing more to delete, and keeps the first mark's time). Returns how many objects went.
 */
export async function eraseMeetingObjects(
  archive: Archive,
  meeting: MeetingRef,
  at: string,
): Promise<{ objects: number }> {
  const mark = tombstoneKey(meeting);
  if (!(await archive.has(mark))) await archive.putJson(mark, { erasedAt: at });
  let objects = 0;
  for (const prefix of meetingPrefixes(meeting)) objects += await archive.deleteUnder(prefix);
  return { objects };
}

/** The meeting whose object a URI of the archive names (`…/[inbox/]<provider>/<id>/<name>`), if any. */
export function meetingOfUri(uri: string): MeetingRef | undefined {
  const found = /\/(?:inbox\/)?(meetingbaas|webex)\/([^/]+)\/[^/]+$/.exec(uri);
  return found ? { provider: found[1] as Provider, externalId: found[2]! } : undefined;
}

/** The write methods, each with its key (or key prefix) first. */
const WRITES: ReadonlySet<PropertyKey> = new Set(['putStream', 'putBytes', 'putJson', 'putContentAddressed']);
/** The resumable writes' starts (resumable.ts), each with its key first: their `complete` publishes. */
const PARTIAL_STARTS: ReadonlySet<PropertyKey> = new Set(['startPartial', 'findPartial']);

/**
 * The archive, refusing (MeetingErasedError) any write of an erased meeting's object, resumable ones too.
 * Checked before the write and again after it: a write that was under way while the meeting was erased is
 * deleted once published (the mark is written before the sweep, so either the sweep or this check sees the
 * object). A read that fails because the meeting was erased (its claim-checked body is gone) fails with
 * MeetingErasedError too, so that its activity stops for good instead of retrying. Every other method passes
 * through unchanged.
 */
export function guardErasure<A extends Archive>(archive: A): A {
  const erased = async (meeting: MeetingRef) => archive.has(tombstoneKey(meeting));

  /** `write` (which publishes an object of `meeting`), between the two checks. */
  async function guarded<T>(meeting: MeetingRef, write: () => Promise<T>): Promise<T> {
    const workflowId = `${meeting.provider}:${meeting.externalId}`;
    if (await erased(meeting)) throw new MeetingErasedError(workflowId);
    let written: T;
    try {
      written = await write();
    } catch (err) {
      // The erasure removed the write's directory (or upload) under it: erased, not a passing failure.
      if (await erased(meeting).catch(() => false)) throw new MeetingErasedError(workflowId);
      throw err;
    }
    if (await erased(meeting)) {
      for (const prefix of meetingPrefixes(meeting)) await archive.deleteUnder(prefix);
      throw new MeetingErasedError(workflowId);
    }
    return written;
  }

  /** A partial write whose publishing (complete) is guarded like any other write. */
  function guardedPartial(partial: PartialWrite, meeting: MeetingRef): PartialWrite {
    return {
      get handle() {
        return partial.handle;
      },
      get storedBytes() {
        return partial.storedBytes;
      },
      complete: (source, options) => guarded(meeting, () => partial.complete(source, options)),
      discard: () => partial.discard(),
    };
  }

  return new Proxy(archive, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'read')
        return async (ref: { uri: string }) => {
          try {
            return await method.call(target, ref);
          } catch (err) {
            const meeting = meetingOfUri(ref.uri);
            if (meeting && (await erased(meeting).catch(() => false)))
              throw new MeetingErasedError(`${meeting.provider}:${meeting.externalId}`);
            throw err;
          }
        };
      if (PARTIAL_STARTS.has(property))
        return async (key: string, ...rest: unknown[]) => {
          const meeting = meetingOfKey(key);
          const partial = (await method.call(target, key, ...rest)) as PartialWrite | undefined;
          if (!meeting || !partial) return partial;
          if (await erased(meeting)) {
            await partial.discard();
            throw new MeetingErasedError(`${meeting.provider}:${meeting.externalId}`);
          }
          return guardedPartial(partial, meeting);
        };
      if (!WRITES.has(property)) return method.bind(target);
      return async (key: string, ...rest: unknown[]) => {
        const meeting = meetingOfKey(key);
        if (!meeting) return method.call(target, key, ...rest);
        return guarded(meeting, () => Promise.resolve(method.call(target, key, ...rest)));
      };
    },
  });
}
