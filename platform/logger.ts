import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** One logger per process; `name` tells the parts apart when `npm start` interleaves them. */
export function createLogger(name: string, config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    // Never let a credential reach a log line.
    redact: [
      'req.headers["x-meeting-baas-api-key"]',
      'req.headers.authorization',
      'req.headers["svix-signature"]',
    ],
    ...(config.LOG_FORMAT === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' },
          },
        }
      : {}),
  });
}
