// When a run may hand over to a new run (continue-as-new): once its budget (workflows/run-budget.ts) is
// spent, between activities, never while the run is somewhere it cannot carry over.
import * as wf from '@temporalio/workflow';
import { CONTINUE_AS_NEW_PATCH } from './patches';

export interface RunBudget {
  signals: number;
  historyEvents: number;
  historyBytes: number;
}

export class HandoverGate {
  /** Activities the run must not hand over in the middle of, running now. */
  private activitiesInFlight = 0;
  /** A run replayed from a history recorded without the continue-as-new patch never hands over. */
  private refused = false;

  constructor(
    private readonly budget: RunBudget,
    private readonly signalsThisRun: () => number,
    /** Whether the run is somewhere it can be carried over from (besides activities). */
    private readonly carriable: () => boolean,
  ) {}

  /** Runs an activity the run must not hand over in the middle of. */
  async inFlight<T>(activity: () => Promise<T>): Promise<T> {
    this.activitiesInFlight++;
    try {
      return await activity();
    } finally {
      this.activitiesInFlight--;
    }
  }

  /**
   * Runs `wait` (timers, conditions and `inFlight` activities) to its end, or until the run has spent its
   * budget outside an activity: then `wait` is cancelled and true returned (the caller hands over).
   */
  async unlessHandedOver(wait: () => Promise<unknown>): Promise<boolean> {
    const scope = new wf.CancellationScope();
    let settled = false;
    const running = scope.run(wait);
    const done = () => {
      settled = true;
    };
    running.then(done, done);
    await wf.condition(
      () => settled || (this.activitiesInFlight === 0 && this.carriable() && this.budgetSpent()),
    );
    if (!settled) {
      if (wf.patched(CONTINUE_AS_NEW_PATCH)) {
        scope.cancel();
        try {
          await running;
        } catch (err) {
          if (wf.isCancellation(err)) return true;
          throw err;
        }
        return false;
      }
      this.refused = true;
    }
    await running;
    return false;
  }

  private budgetSpent(): boolean {
    if (this.refused) return false;
    const info = wf.workflowInfo();
    return (
      info.continueAsNewSuggested ||
      this.signalsThisRun() >= this.budget.signals ||
      info.historyLength >= this.budget.historyEvents ||
      info.historySize >= this.budget.historyBytes
    );
  }
}
