// Webex names one meeting three ways: the series (`<hex>`), one scheduled occurrence
// (`<series>_<YYYYMMDDTHHMMSSZ>`) and the instance that actually ran (`<series>_I_<digits>`, the id of the
// `ended` webhook and of recordings and transcripts). The meeting workflow is per instance.

export type WebexMeetingIdKind = 'series' | 'scheduled' | 'instance';

const INSTANCE = /^([A-Za-z0-9-]+)_I_(\d+)$/;
const SCHEDULED = /^([A-Za-z0-9-]+)_(\d{8}T\d{6}Z)$/;
const SERIES = /^[A-Za-z0-9-]+$/;

export interface WebexMeetingId {
  kind: WebexMeetingIdKind;
  seriesId: string;
}

/** What kind of Webex meeting id `id` is, and its series; undefined when it is none of the three forms. */
export function parseWebexMeetingId(id: string): WebexMeetingId | undefined {
  const instance = INSTANCE.exec(id);
  if (instance) return { kind: 'instance', seriesId: instance[1]! };
  const scheduled = SCHEDULED.exec(id);
  if (scheduled) return { kind: 'scheduled', seriesId: scheduled[1]! };
  if (SERIES.test(id)) return { kind: 'series', seriesId: id };
  return undefined;
}
