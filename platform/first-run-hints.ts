import type { Config } from './config';

// What a newcomer's `npm start` would otherwise teach through 401s: said once, at start (scripts/start.ts).

/** The settings missing for the service to accept anything, as one message; undefined when none are. */
export function firstRunHint(
  config: Pick<Config, 'MEETINGBAAS_API_KEY' | 'WEBEX_WEBHOOK_SECRET' | 'API_TOKENS'>,
): string | undefined {
  const missing: string[] = [];
  if (!config.MEETINGBAAS_API_KEY && !config.WEBEX_WEBHOOK_SECRET)
    missing.push(
      'No provider is configured, so every webhook will be refused: set MEETINGBAAS_API_KEY (Meeting BaaS) ' +
        'and/or WEBEX_WEBHOOK_SECRET with WEBEX_ACCESS_TOKEN (Webex).',
    );
  if (!config.API_TOKENS)
    missing.push(
      'API_TOKENS is not set, so reading meetings answers 401: set it to read:<token>,write:<token>.',
    );
  if (!missing.length) return undefined;
  return [
    ...missing,
    'For a local setup against the provider simulator: `cp .env.example .env`, `npm run simulator` and ' +
      '`npm start`. To see it all work in one command: `npm run demo`.',
  ].join('\n');
}
