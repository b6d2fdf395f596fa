import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MeetingBaasSim } from './meetingbaas/routes';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  meetingBaasApiKey?: string;
  signingSecret?: string;
}

/** The provider simulator: one HTTP server that plays Meeting BaaS (and, later, Webex). */
export class Simulator {
  readonly meetingBaas: MeetingBaasSim;
  private server: Server | undefined;
  private readonly app = express();

  constructor(private readonly options: SimulatorOptions = {}) {
    this.meetingBaas = new MeetingBaasSim({
      apiKey: options.meetingBaasApiKey ?? 'sim-meetingbaas-key',
      signingSecret: options.signingSecret ?? 'sim-signing-secret',
      baseUrl: () => this.url,
    });
    this.app.disable('x-powered-by');
    this.app.use(express.json({ limit: '1mb' }));
    this.app.use(this.meetingBaas.routes());
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
