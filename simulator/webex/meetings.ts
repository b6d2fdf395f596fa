// GET and PATCH /meetings/{meetingId}: series and scheduled meetings exist for any well-formed id (created
// on first sight, auto-record off); instances are the scenario's and cannot be edited, as at Webex.
import { parseWebexMeetingId } from '../../domain/webex/ids';
import { instanceShape, meetingObject, type MeetingShape } from './bodies';
import type { WebexMeeting } from './scenario';

interface StoredMeeting extends MeetingShape {
  enabledAutoRecordMeeting: boolean;
  /** Other fields set by PATCH, shown as sent. */
  changes: Record<string, unknown>;
}

export type PatchResult = { status: 200; meeting: object } | { status: 400 | 404; message: string };

/** Fields PATCH cannot change: they identify the meeting or are Webex's to set. */
const READ_ONLY = new Set([
  'id',
  'meetingSeriesId',
  'scheduledMeetingId',
  'meetingNumber',
  'meetingType',
  'state',
  'hostUserId',
  'siteUrl',
  'webLink',
  'sipAddress',
]);

const HOUR = 3600_000;

function utcFromCompact(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export class WebexMeetingStore {
  /** Series and scheduled meetings seen so far, by id. */
  readonly stored = new Map<string, StoredMeeting>();
  /** Every PATCH received, in order, rejected ones included. */
  readonly patches: Array<{ meetingId: string; body: unknown }> = [];

  constructor(
    private readonly instances: Map<string, WebexMeeting>,
    private readonly now: () => number,
  ) {}

  private instance(id: string): WebexMeeting | undefined {
    return this.instances.get(id);
  }

  /** The stored series or scheduled meeting, created on first sight; undefined for an instance or a bad id. */
  private seriesOrScheduled(id: string): StoredMeeting | undefined {
    const parsed = parseWebexMeetingId(id);
    if (!parsed || parsed.kind === 'instance') return undefined;
    let stored = this.stored.get(id);
    if (stored) return stored;
    // A scenario's series or occurrence takes its title, host and times; others start tomorrow.
    const scenario = [...this.instances.values()].find(
      (m) =>
        m.meetingSeriesId === parsed.seriesId && (parsed.kind === 'series' || m.scheduledMeetingId === id),
    );
    const tomorrow = Math.ceil(this.now() / HOUR) * HOUR + 24 * HOUR;
    const startMs =
      scenario?.startMs ?? (parsed.kind === 'scheduled' ? utcFromCompact(id.slice(-16)) : tomorrow);
    stored = {
      id,
      kind: parsed.kind,
      seriesId: parsed.seriesId,
      title: scenario?.title ?? 'Simulated Webex meeting',
      hostEmail: scenario?.hostEmail ?? 'host@simulator.example.com',
      startMs,
      endMs: scenario?.endMs ?? startMs + HOUR,
      enabledAutoRecordMeeting: false,
      changes: {},
    };
    this.stored.set(id, stored);
    return stored;
  }

  get(id: string): object | undefined {
    const m = this.instance(id);
    if (m) return meetingObject(instanceShape(m), false, this.now());
    const stored = this.seriesOrScheduled(id);
    if (!stored) return undefined;
    return { ...meetingObject(stored, stored.enabledAutoRecordMeeting, this.now()), ...stored.changes };
  }

  patch(id: string, body: unknown): PatchResult {
    this.patches.push({ meetingId: id, body });
    if (parseWebexMeetingId(id)?.kind === 'instance')
      return { status: 400, message: 'Meeting instances (ids with _I_) cannot be updated.' };
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { status: 400, message: 'The request body must be a JSON object.' };
    const fields = body as Record<string, unknown>;
    if ('enabledAutoRecordMeeting' in fields && typeof fields.enabledAutoRecordMeeting !== 'boolean')
      return { status: 400, message: 'enabledAutoRecordMeeting must be a boolean.' };
    const stored = this.seriesOrScheduled(id);
    if (!stored) return { status: 404, message: 'Meeting not found.' };
    for (const [key, value] of Object.entries(fields)) {
      if (key === 'enabledAutoRecordMeeting') stored.enabledAutoRecordMeeting = value as boolean;
      else if (!READ_ONLY.has(key)) stored.changes[key] = value;
    }
    return { status: 200, meeting: this.get(id)! };
  }
}
