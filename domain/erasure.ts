// What erasure on request (DELETE …/data) does to a meeting's view. Pure: the workflow deletes the objects and
// asks the provider; this says what the view shows afterwards.
import type { MeetingView } from './view';

/** Why an erased meeting's assets are unavailable. */
export function erasedReason(at: string): string {
  return `erased on request at ${at}`;
}

/**
 * Every asset the view names becomes `unavailable` (reason: erased) without its archive references, files,
 * parts and speaker names; what only counts stays (a recording's duration, a transcript's utterances, the
 * participants' count). An asset still `pending` is never collected after all.
 */
export function eraseAssets(view: MeetingView, at: string): void {
  const reason = erasedReason(at);
  const { recording, transcript, participants } = view;
  if (recording)
    view.recording = {
      status: 'unavailable',
      reason,
      ...(recording.durationSeconds !== undefined ? { durationSeconds: recording.durationSeconds } : {}),
    };
  if (transcript)
    view.transcript = {
      status: 'unavailable',
      reason,
      ...(transcript.utterances !== undefined ? { utterances: transcript.utterances } : {}),
    };
  if (participants)
    view.participants = {
      status: 'unavailable',
      reason,
      ...(participants.count !== undefined ? { count: participants.count } : {}),
    };
}
