// `npm run simulator`: the provider simulator on its own (default http://127.0.0.1:4010).
import { z } from 'zod';
import { SIM_WEBHOOK_SECRET } from './meetingbaas/v2';
import { Simulator } from './server';

const env = z
  .object({
    SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
    SIM_HOST: z.string().default('127.0.0.1'),
    MEETINGBAAS_API_KEY: z.string().min(1).default('sim-meetingbaas-key'),
    MEETINGBAAS_WEBHOOK_SECRET: z.string().startsWith('whsec_').default(SIM_WEBHOOK_SECRET),
  })
  .parse(process.env);

async function main() {
  const sim = await new Simulator({
    port: env.SIM_PORT,
    host: env.SIM_HOST,
    meetingBaasApiKey: env.MEETINGBAAS_API_KEY,
    meetingBaasWebhookSecret: env.MEETINGBAAS_WEBHOOK_SECRET,
  }).start();
  console.log(
    `provider simulator listening on ${sim.url} (Meeting BaaS API key: ${env.MEETINGBAAS_API_KEY})`,
  );
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
