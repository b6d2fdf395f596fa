import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../contract/search-attributes';
import { findTemporalCli, HOW_TO_FIX } from '../scripts/temporal-cli';
import { freePort } from './free-port';

/**
 * An in-memory Temporal dev server from the project's CLI (never a download), with the design's search
 * attributes and its bundled web UI (which costs no measurable start time) on a free port, for the browser
 * test. `cliPath` is the binary it runs, for tests that start a server of their own; `uiUrl` the UI's root.
 */
export async function startEphemeralTemporal(): Promise<{
  env: TestWorkflowEnvironment;
  cliPath: string;
  uiUrl: string;
}> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`No Temporal CLI.${HOW_TO_FIX}`);
  const uiPort = await freePort();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return { env, cliPath: cli.path, uiUrl: `http://127.0.0.1:${uiPort}` };
}
