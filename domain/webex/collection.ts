// How long and how often a Webex meeting's workflow looks for the assets Webex publishes after the meeting.
// Pure: the workflow turns these into timers.

export interface WebexCollectionSettings {
  /** After the meeting ended, when to stop looking for recordings and transcripts (then: unavailable). */
  assetDeadlineSeconds: number;
  /** First pause between two looks; doubles after each empty answer... */
  pollIntervalSeconds: number;
  /** ...up to this. */
  maxPollIntervalSeconds: number;
}

export const DEFAULT_WEBEX_COLLECTION: WebexCollectionSettings = {
  assetDeadlineSeconds: 24 * 3600,
  pollIntervalSeconds: 60,
  maxPollIntervalSeconds: 1800,
};

/** The pause after `emptyLooks` empty answers (1 -> the first interval), never past the deadline. */
export function nextLookDelaySeconds(
  settings: WebexCollectionSettings,
  emptyLooks: number,
  secondsLeft: number,
): number {
  const backoff = settings.pollIntervalSeconds * 2 ** Math.max(0, emptyLooks - 1);
  return Math.max(0, Math.min(backoff, settings.maxPollIntervalSeconds, secondsLeft));
}

const duration = (s: number) =>
  s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;

/** Why an asset is unavailable once the deadline passed without it, naming the likely cause. */
export function notPublishedReason(asset: 'recording' | 'transcript', deadlineSeconds: number): string {
  const within = `Webex published no ${asset} within ${duration(deadlineSeconds)} of the meeting's end`;
  return asset === 'recording'
    ? `${within}: the meeting was probably not recorded (recording was off)`
    : `${within}: Webex makes transcripts only of meetings recorded with Webex Assistant or closed captions turned on`;
}
