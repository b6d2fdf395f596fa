/** Where the demo plays its meetings: a running service, or the one it started itself (self-started.ts). */
export interface DemoTarget {
  apiUrl: string;
  simulatorUrl: string;
  temporalUiUrl: string;
  namespace: string;
  /** A read token of the API, to follow the meetings. */
  readToken: string;
  /** Whether the watchdogs are short enough for every meeting to finish while the demo waits. */
  shortWatchdogs: boolean;
}
