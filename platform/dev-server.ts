import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/definitions';

// The Temporal CLI's dev server as this service runs it: SQLite-persisted, with the design's search
// attributes registered at start. Used by `npm start` and by tests that need a server of their own.

const CLI_TYPE_NAMES = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as const;

export interface DevServerOptions {
  ip: string;
  port: number;
  /** The web UI's port; omitted: no UI. */
  uiPort?: number;
  /** SQLite file; omitted: in memory. */
  dbFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
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
    ...(o.dbFile ? ['--db-filename', o.dbFile] : []),
    '--log-level',
    o.logLevel ?? 'warn',
    ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAMES[k.type]}`]),
  ];
}
