import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * One logger per process, the same for the API and the worker (whose SDK, workflow and activity lines come
 * through it too, see temporalLogger): JSON lines, one object each. `name` tells the parts apart when
 * `npm start` interleaves them. LOG_FORMAT=pretty (npm start's default) is for a person at a console: one
 * line per entry.
 */
export function createLogger(
  name: string,
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  /** Where the JSON lines go (default stdout; tests read them back). Ignored with LOG_FORMAT=pretty. */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.LOG_LEVEL,
    // Readable by people and log pipelines alike.
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors under either key keep their type, message and stack (the SDK logs failures as `error`).
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // Never let a credential reach a log line. (Signed URLs and meeting passwords never get this far: request
    // and answer bodies are not logged, a redirect's Location loses its query in api/app.ts, and activity
    // failures have their URLs redacted in activities/index.ts.)
    redact: [
      'req.headers["x-meeting-baas-api-key"]',
      'req.headers.authorization',
      'req.headers["svix-signature"]',
      'req.headers["x-spark-signature"]',
      'req.headers.cookie',
      'res.headers["set-cookie"]',
    ],
    ...(config.LOG_FORMAT === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: true,
              // One line per entry; a request's line says it all in its message (api/request-log.ts).
              singleLine: true,
              ignore: 'pid,hostname,req,res,responseTime',
              translateTime: 'HH:MM:ss.l',
            },
          },
        }
      : {}),
  };
  return destination && config.LOG_FORMAT !== 'pretty' ? pino(options, destination) : pino(options);
}
