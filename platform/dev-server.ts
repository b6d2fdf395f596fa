import { SEARCH_ATTRIBUTE_KEYS } from '../contract/search-attributes';

// The Temporal CLI's dev server as this service runs it: SQLite-persisted, with the design's search
// attributes registered at start. Used by `npm start` and by tests that need a server of their own.

const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as const;

// SQLite's default rollback journal syncs the disk on every commit, and the dev server commits several times
// per signal: a write-ahead log, synced at checkpoints, more than doubles what it sustains (BENCHMARKS.md).
// A crash of the server loses nothing; a power cut or OS crash can lose the last commits, as is usual for
// a single-node development store.
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

export interface DevServerOptions {
  ip: string;
  port: number;
  /** The web UI's port; omitted: no UI. */
  uiPort?: number;
  /** SQLite file; omitted: in memory. */
  dbFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The UI's remote codec (the API's /codec), when payloads are encrypted. */
  uiCodecEndpoint?: string;
}

export function devServerArgs(o: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    o.ip,
    '--port',
    String(o.port),
    ...(o.uiPort === undefined ? ['--headless'] : ['--ui-port', String(o.uiPort)]),
    ...(o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
    ...(o.dbFile ? ['--db-filename', o.dbFile, ...SQLITE_PRAGMAS] : []),
    '--log-level',
    o.logLevel ?? 'warn',
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAMES[k.type]}`]),
  ];
}
