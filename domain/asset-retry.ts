// How an asset's download or archive write that fails for a transient reason (domain/failures.ts) is tried
// again until the asset's deadline. Pure: the workflows import it.

export interface AssetRetrySettings {
  /** Attempts of the activity per round (its own retry policy backs off between them). */
  attemptsPerRound: number;
  /** The pause after the first round that failed; it doubles after each round, up to maxPauseSeconds. */
  firstPauseSeconds: number;
  maxPauseSeconds: number;
}

/** A round of 3 attempts (2 s and 4 s apart), then 10 s, 20 s ... 10 min between rounds. */
export const DEFAULT_ASSET_RETRY: AssetRetrySettings = {
  attemptsPerRound: 3,
  firstPauseSeconds: 10,
  maxPauseSeconds: 600,
};

/** The pause after failed round `round` (1, 2, …), in ms, never past the deadline (`leftMs` away). */
export function pauseAfterRoundMs(settings: AssetRetrySettings, round: number, leftMs: number): number {
  const grown = settings.firstPauseSeconds * 1000 * 2 ** Math.min(round - 1, 30);
  return Math.max(0, Math.min(grown, settings.maxPauseSeconds * 1000, leftMs));
}
