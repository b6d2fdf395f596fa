import type { MeetingView } from '../domain/view';
import type { MeetingRunContext } from './collector';

/** One asset's result, shown in the meeting's view before the others are done; returns it. */
export function shown<A extends 'recording' | 'transcript' | 'participants', V extends MeetingView[A]>(
  run: MeetingRunContext,
  asset: A,
  view: V,
): V {
  run.meeting.assetCollected(asset, view);
  run.publish();
  return view;
}
