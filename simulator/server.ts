import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { NotificationConsumer } from './consumer';
import { Faults } from './faults';
import { MeetingBaasSim } from './meetingbaas/routes';
import { MeetingBaasV2Sim } from './meetingbaas/v2';
import { SIM_WEBEX_ACCESS_TOKEN, SIM_WEBEX_WEBHOOK_SECRET, WebexSim } from './webex/routes';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  meetingBaasApiKey?: string;
  signingSecret?: string;
  /** Svix secret (`whsec_…`) of the v2 webhooks; default SIM_WEBHOOK_SECRET (meetingbaas/v2.ts). */
  meetingBaasWebhookSecret?: string;
  /** Static Webex bearer token; default SIM_WEBEX_ACCESS_TOKEN (OAuth-issued tokens work too). */
  webexAccessToken?: string;
  /** Secret the Webex webhooks are signed with; default SIM_WEBEX_WEBHOOK_SECRET. */
  webexWebhookSecret?: string;
}

/** The provider simulator: one HTTP server that plays Meeting BaaS and Webex. */
export class Simulator {
  readonly meetingBaas: MeetingBaasSim;
  /** Meeting BaaS v2: Svix-signed webhooks, GET /v2/bots/{id}, the transcription artifact. */
  readonly meetingBaasV2: MeetingBaasV2Sim;
  /** Webex: the REST API under /webex/v1, direct download links, signed webhooks. */
  readonly webex: WebexSim;
  /** Faults on demand and the request log (see faults.ts). */
  readonly faults = new Faults();
  /** A service notified of meetings' outcomes: POST /consumer/<name> (see consumer.ts). */
  readonly consumer = new NotificationConsumer();
  private server: Server | undefined;
  private readonly app = express();

  constructor(private readonly options: SimulatorOptions = {}) {
    this.meetingBaas = new MeetingBaasSim({
      apiKey: options.meetingBaasApiKey ?? 'sim-meetingbaas-key',
      signingSecret: options.signingSecret ?? 'sim-signing-secret',
      baseUrl: () => this.url,
    });
    this.meetingBaasV2 = new MeetingBaasV2Sim(this.meetingBaas, {
      apiKey: options.meetingBaasApiKey ?? 'sim-meetingbaas-key',
      signingSecret: options.signingSecret ?? 'sim-signing-secret',
      webhookSecret: options.meetingBaasWebhookSecret,
      baseUrl: () => this.url,
    });
    this.webex = new WebexSim({
      accessToken: options.webexAccessToken ?? SIM_WEBEX_ACCESS_TOKEN,
      webhookSecret: options.webexWebhookSecret ?? SIM_WEBEX_WEBHOOK_SECRET,
      signingSecret: options.signingSecret ?? 'sim-signing-secret',
      baseUrl: () => this.url,
    });
    this.app.disable('x-powered-by');
    this.app.use(this.faults.middleware());
    // Before the JSON parser: the consumer keeps the raw body, as it was signed.
    this.app.use(this.consumer.routes());
    this.app.use(express.json({ limit: '1mb' }));
    this.app.use(this.faults.routes());
    // Before the v1 routes: it answers `play` with {"version": "v2"} and passes any other play on.
    this.app.use(this.meetingBaasV2.routes());
    this.app.use(this.meetingBaas.routes());
    this.app.use(this.webex.routes());
  }

  get url(): string {
    if (!this.server) throw new Error('simulator not started');
    const { port } = this.server.address() as AddressInfo;
    return `http://${this.options.host ?? '127.0.0.1'}:${port}`;
  }

  async start(): Promise<this> {
    const server = this.app.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
