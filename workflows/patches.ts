// The meeting workflow's patches (`wf.patched`): each names a change of its command sequence, so that a run
// recorded before the change replays with the old sequence (test/histories/ replay in CI).

// Histories recorded before the watchdogs waited for the final data without any timer.
export const WATCHDOG_PATCH = 'final-data-watchdog';
// Histories recorded before live meetings had a watchdog (silence, meeting deadline: see domain/watchdog.ts).
export const LIVE_WATCHDOG_PATCH = 'live-watchdog';
// Histories recorded before late final data was collected (a revived meeting, Webex assets published after
// the first collection): recorded only, the linger a plain timer.
export const LATE_COLLECTION_PATCH = 'late-final-data-collected';
// Runs that hand over to a new run (continue-as-new) before Temporal's per-execution limits.
export const CONTINUE_AS_NEW_PATCH = 'continue-as-new';
// Histories recorded before transient failures were retried until the asset's deadline (and before a
// collection that archived nothing failed `no_assets`): one activity call, its failure a verdict.
export const TRANSIENT_PATCH = 'transient-not-verdict';
// Histories recorded before a Webex list call that failed for a transient reason (its own retries spent)
// was one more empty look instead of the asset's verdict.
export const WEBEX_LIST_RETRY_PATCH = 'webex-list-transient';
// Histories recorded before a meeting's outcome was notified to NOTIFY_WEBHOOK_URLS (workflows/notify/): no
// notification activity, no delivery workflows.
export const NOTIFY_PATCH = 'notify-outcome';

// Erasure on request (DELETE …/data, the `eraseData` signal): histories recorded before never received one;
// asked where an erasure starts its activities, so that a later change of the erasure can be patched too.
export const ERASURE_PATCH = 'erase-on-request';

// Send-bot runs (workflows/send-bot.ts) recorded before the stored bot request was deleted once answered.
export const FORGET_BOT_REQUEST_PATCH = 'forget-bot-request';
