// What can go wrong when reading a meeting, the same whichever way (HTTP or Temporal) it is read.

export interface RequestIssue {
  path: string;
  message: string;
}

export abstract class MeetingClientError extends Error {
  abstract readonly kind: 'not_found' | 'unavailable' | 'refused' | 'invalid_response';
}

/** No such meeting (or, for a fresh recording URL, no such open meeting). */
export class MeetingNotFoundError extends MeetingClientError {
  readonly kind = 'not_found';
}

/** The service or Temporal could not be reached or did not answer in time: retry later. */
export class MeetingsUnavailableError extends MeetingClientError {
  readonly kind = 'unavailable';
}

/** The request was understood and refused: bad input, or a recording that cannot be given now. */
export class MeetingRequestRefusedError extends MeetingClientError {
  readonly kind = 'refused';
  constructor(
    message: string,
    /** The API's error code: `invalid_payload`, `recording_unavailable`, … */
    readonly code: string,
    readonly issues?: RequestIssue[],
    /** For a refusal by the workflow: its failure type (e.g. `RecordingUrlTooShort`), when it gave one. */
    readonly failureType?: string,
  ) {
    super(message);
  }
}

/** The service answered something that does not match its own schema (a version mismatch, a proxy page). */
export class MeetingResponseInvalidError extends MeetingClientError {
  readonly kind = 'invalid_response';
}
