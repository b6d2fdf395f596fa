// A real S3 server for the tests: SeaweedFS's all-in-one `weed mini` (installed by scripts/seaweedfs.js) in
// a temporary directory, every one of its ports free and on 127.0.0.1, so test files can run one each side
// by side. It checks signatures with the credentials it is started with.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findWeed, HOW_TO_FIX } from '../scripts/seaweedfs';
import { freePort } from './free-port';

const ACCESS_KEY_ID = 'test-archive-access-key';
const SECRET_ACCESS_KEY = 'test-archive-secret-key-0123456789';
const REGION = 'us-east-1';
const START_TIMEOUT_MS = 30_000;

export interface SeaweedFs {
  /** The S3 endpoint, `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A client of it: path-style, the server's credentials. */
  clientConfig: S3ClientConfig;
  client: S3Client;
  /** How long the start took, until S3 answered. */
  startMs: number;
  stop(): Promise<void>;
}

/** The flags that put each of weed mini's servers on a free port (none on its fixed defaults). */
async function portFlags(): Promise<{ s3Port: number; flags: string[] }> {
  const names = [
    's3.port',
    's3.port.grpc',
    'master.port',
    'master.port.grpc',
    'volume.port',
    'volume.port.grpc',
    'filer.port',
    'filer.port.grpc',
    'admin.port',
    'admin.port.grpc',
  ];
  const ports = await Promise.all(names.map(() => freePort()));
  return {
    s3Port: ports[0]!,
    flags: names.map((name, i) => `-${name}=${ports[i]}`),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** A client configuration for a SeaweedFS started here: path-style, the credentials it was started with. */
export function seaweedFsClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  };
}

/** The AWS SDK's own environment variables for a process that talks to a SeaweedFS started here. */
export function seaweedFsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  };
}

export async function startSeaweedFs(): Promise<SeaweedFs> {
  const weed = findWeed();
  if (!weed) throw new Error(`No SeaweedFS (weed).${HOW_TO_FIX}`);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seaweedfs-'));
  const { s3Port, flags } = await portFlags();
  const child: ChildProcess = spawn(
    weed.path,
    [
      'mini',
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      ...flags,
      // Servers the tests do not use: not started.
      '-webdav=false',
      '-admin.ui=false',
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
    ],
    {
      // weed mini makes these its S3 user's credentials.
      env: { ...process.env, AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${s3Port}`;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`SeaweedFS did not start (${weed.path}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const clientConfig = seaweedFsClientConfig(endpoint);
  const client = new S3Client(clientConfig);
  return {
    endpoint,
    clientConfig,
    client,
    startMs: Date.now() - started,
    async stop() {
      client.destroy();
      await stop();
    },
  };
}
