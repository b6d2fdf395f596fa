// Temporal on PostgreSQL, two server processes forming one cluster: the schemas (persistence and SQL
// visibility) set up with temporal-sql-tool as the admin-tools image does, one generated config per node
// (its own ports, membership broadcast on 127.0.0.1, found by the other through the cluster_membership
// table), then the `default` namespace and the meeting search attributes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePortForRestarts } from '../../dev/free-port';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_KEYS } from '../../contract/search-attributes';
import { PG_PASSWORD, PG_USER } from './postgres';
import { running, stopProcess, waitUntil, type LogSink } from './processes';
import type { TemporalServerTools } from './temporal-build';

const run = promisify(execFile);
export const NUM_HISTORY_SHARDS = 8;
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

interface NodePorts {
  frontendGrpc: number;
  frontendHttp: number;
  membership: Record<(typeof SERVICES)[number], number>;
  grpc: Record<Exclude<(typeof SERVICES)[number], 'frontend'>, number>;
}

export interface TemporalNode {
  name: string;
  /** host:port of its frontend. */
  address: string;
  /** Unset until started. */
  readonly process: ChildProcess | undefined;
  /** SIGKILL: no shutdown, its shards and memberships are taken over by the other node. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface TemporalCluster {
  nodes: TemporalNode[];
  stop(): Promise<void>;
}

async function nodePorts(): Promise<NodePorts> {
  // Below the ephemeral range: a node is restarted on the same ports.
  const p = () => freePortForRestarts();
  return {
    frontendGrpc: await p(),
    frontendHttp: await p(),
    membership: { frontend: await p(), history: await p(), matching: await p(), worker: await p() },
    grpc: { history: await p(), matching: await p(), worker: await p() },
  };
}

function sqlStore(database: string, pgPort: number, maxConns: number): string {
  return `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: tcp
        user: ${PG_USER}
        password: ${PG_PASSWORD}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
}

/** One node's config: every service in one process, on its own loopback ports. */
function nodeConfig(ports: NodePorts, pgPort: number, firstFrontend: string, dynamicConfig: string): string {
  const service = (name: (typeof SERVICES)[number]) => {
    const grpc = name === 'frontend' ? ports.frontendGrpc : ports.grpc[name];
    const http = name === 'frontend' ? `\n      httpPort: ${ports.frontendHttp}` : '';
    return `
  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${ports.membership[name]}
      bindOnLocalHost: true${http}`;
  };
  return `log:
  stdout: true
  level: warn
persistence:
  numHistoryShards: ${NUM_HISTORY_SHARDS}
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  datastores:
    postgres-default:${sqlStore('temporal', pgPort, 10)}
    postgres-visibility:${sqlStore('temporal_visibility', pgPort, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:${SERVICES.map(service).join('')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${firstFrontend}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: 10s
`;
}

/** The persistence and visibility databases at the schema version this server needs. */
async function setupSchemas(tools: TemporalServerTools, pgPort: number, log: LogSink): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--endpoint',
    '127.0.0.1',
    '--port',
    String(pgPort),
    '--user',
    PG_USER,
    '--password',
    PG_PASSWORD,
  ];
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const tool = (...args: string[]) => run(tools.sqlTool, [...common, '--database', database, ...args]);
    await tool('create-database');
    await tool('setup-schema', '--version', '0.0');
    const { stderr, stdout } = await tool(
      'update-schema',
      '--schema-dir',
      path.join(tools.postgresSchemaDir, schema, 'versioned'),
    );
    fs.appendFileSync(log.file('schema'), stdout + stderr);
  }
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startTemporalCluster(
  tools: TemporalServerTools,
  temporalCli: string,
  pgPort: number,
  dir: string,
  log: LogSink,
  nodeCount = 2,
): Promise<TemporalCluster> {
  await setupSchemas(tools, pgPort, log);
  const dynamicConfig = path.join(dir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfig, '# Server defaults: nothing overridden.\n');
  const allPorts = await Promise.all(Array.from({ length: nodeCount }, () => nodePorts()));
  const firstFrontend = `127.0.0.1:${allPorts[0]!.frontendGrpc}`;

  const nodes = allPorts.map((ports, i): TemporalNode => {
    const name = `temporal-${i + 1}`;
    const configFile = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(configFile, nodeConfig(ports, pgPort, firstFrontend, dynamicConfig));
    let child: ChildProcess | undefined;
    const address = `127.0.0.1:${ports.frontendGrpc}`;
    const node: TemporalNode = {
      name,
      address,
      get process() {
        return child;
      },
      async start() {
        child = spawn(tools.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        log.attach(name, child);
        await waitUntil(name, child, async () => {
          if (!(await portOpen(ports.frontendGrpc))) return false;
          await run(temporalCli, ['operator', 'cluster', 'health', '--address', address]);
          return true;
        });
      },
      async kill() {
        if (child && running(child)) await stopProcess(child, 'SIGKILL', 0);
      },
    };
    return node;
  });

  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        if (n.process) await stopProcess(n.process, 'SIGTERM', 15_000);
      }),
    );
  };
  try {
    for (const node of nodes) await node.start();
    await registerNamespace(temporalCli, nodes);
    return { nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The `default` namespace and the meeting search attributes, then wait until every frontend knows both
 * (namespaces and search attributes are cached per node): a visibility query naming them must pass on each.
 */
const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
};

async function registerNamespace(cli: string, nodes: TemporalNode[]): Promise<void> {
  const address = nodes[0]!.address;
  await run(cli, [
    'operator',
    'namespace',
    'create',
    '--namespace',
    'default',
    '--retention',
    '72h',
    '--address',
    address,
  ]);
  await waitUntil('the default namespace', undefined, async () => {
    await run(cli, ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', address]);
    return true;
  });
  for (const key of SEARCH_ATTRIBUTE_KEYS) {
    await run(cli, [
      'operator',
      'search-attribute',
      'create',
      '--namespace',
      'default',
      '--name',
      key.name,
      '--type',
      CLI_TYPE[key.type] ?? key.type,
      '--address',
      address,
    ]);
  }
  const query = SEARCH_ATTRIBUTE_KEYS.map((k) =>
    k.type === SearchAttributeType.DATETIME ? `${k.name} > '2000-01-01T00:00:00Z'` : `${k.name} = 'x'`,
  ).join(' OR ');
  for (const node of nodes) {
    await waitUntil(`the search attributes on ${node.name}`, node.process, async () => {
      await run(cli, [
        'workflow',
        'list',
        '--namespace',
        'default',
        '--query',
        query,
        '--address',
        node.address,
      ]);
      return true;
    });
  }
}
