// `npm run simulator`: the provider simulator on its own (default http://127.0.0.1:4010).
import { z } from 'zod';
import { SIM_WEBHOOK_SECRET } from './meetingbaas/v2';
import { Simulator } from './server';
import { SIM_WEBEX_ACCESS_TOKEN, SIM_WEBEX_OAUTH, SIM_WEBEX_WEBHOOK_SECRET } from './webex/routes';

const env = z
  .object({
    SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
    SIM_HOST: z.string().default('127.0.0.1'),
    MEETINGBAAS_API_KEY: z.string().min(1).default('sim-meetingbaas-key'),
    MEETINGBAAS_WEBHOOK_SECRET: z.string().startsWith('whsec_').default(SIM_WEBHOOK_SECRET),
    WEBEX_ACCESS_TOKEN: z.string().min(1).default(SIM_WEBEX_ACCESS_TOKEN),
    WEBEX_WEBHOOK_SECRET: z.string().min(1).default(SIM_WEBEX_WEBHOOK_SECRET),
  })
  .parse(process.env);

async function main() {
  const sim = await new Simulator({
    port: env.SIM_PORT,
    host: env.SIM_HOST,
    meetingBaasApiKey: env.MEETINGBAAS_API_KEY,
    meetingBaasWebhookSecret: env.MEETINGBAAS_WEBHOOK_SECRET,
    webexAccessToken: env.WEBEX_ACCESS_TOKEN,
    webexWebhookSecret: env.WEBEX_WEBHOOK_SECRET,
  }).start();
  console.log(
    `provider simulator listening on ${sim.url} (Meeting BaaS API key: ${env.MEETINGBAAS_API_KEY})`,
  );
  console.log(
    `Webex API at ${sim.webex.apiUrl} (access token: ${env.WEBEX_ACCESS_TOKEN}, webhook secret: ` +
      `${env.WEBEX_WEBHOOK_SECRET}, OAuth client ${SIM_WEBEX_OAUTH.clientId} / ${SIM_WEBEX_OAUTH.clientSecret}, ` +
      `refresh token ${SIM_WEBEX_OAUTH.refreshToken})`,
  );
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
