// When a meeting's workflow run hands over to a new run (continue-as-new), before Temporal's limits.
/**
 * When a run hands over to a new one (continue-as-new): whichever comes first, or when Temporal suggests it
 * (`continueAsNewSuggested`, from 10,240 events or 10 MB of history on a default server).
 * - signals: Temporal refuses a signal past 10,000 in one execution (`history.maximumSignalsPerExecution`,
 *   the dev server's default) and the API would answer 503 from then on. Under a storm the handover itself
 *   is the cost to keep small: a signal that arrives while it is decided fails that workflow task
 *   (UnhandledCommand), the worker replays the whole run, and Temporal holds the deliveries meanwhile
 *   (measured, 20 connections on 2 vCPUs: with 2,000 signals a run the hold lasted 2.2 s and some
 *   deliveries passed the API's 5 s deadline; with 1,000, about 1 s and none did). 1,000 also leaves 9,000
 *   for the phases that cannot hand over (an activity running, the assets being collected).
 * - historyEvents: a signal is one event, a workflow task three more; 2,500 events is what 1,000 signals
 *   make at worst, and keeps any replay (a restarted worker, an evicted run) short.
 * - historyBytes: far below the 50 MB limit (10 MB warning); a run starts with its carried state (a bounded
 *   MeetingSnapshot: domain/meeting.ts MEETING_MEMORY and MEETING_HISTORY_LIMITS, 100 to 200 KB at most).
 */
export const RUN_BUDGET = { signals: 1_000, historyEvents: 2_500, historyBytes: 4 * 1024 * 1024 } as const;
