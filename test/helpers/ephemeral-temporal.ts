import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli, HOW_TO_FIX } from '../../scripts/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions';

/**
 * An in-memory Temporal dev server from the project's CLI (never a download), with the design's search
 * attributes. `cliPath` is the binary it runs, for tests that start a server of their own.
 */
export async function startEphemeralTemporal(): Promise<{ env: TestWorkflowEnvironment; cliPath: string }> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`No Temporal CLI.${HOW_TO_FIX}`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      ui: false,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return { env, cliPath: cli.path };
}
