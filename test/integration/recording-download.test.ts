// archiveRecording against real HTTP servers: redirects are followed only to allowed hosts, and a 4xx is
// not retried. The activity runs in the SDK's activity context harness (no workflow needed).
import { MockActivityEnvironment } from '@temporalio/testing';
import express from 'express';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { recordingActivities } from '../../activities/recording';
import type { ArchiveRef } from '../../domain/archive-ref';
import { FileArchive } from '../../platform/archive';
import { failure } from '../helpers/failure';

let server: Server;
let origin: string; // 127.0.0.1:port
let archiveDir: string;

beforeAll(async () => {
  const app = express();
  app.get('/file.mp4', (_req, res) => void res.type('video/mp4').send(Buffer.from('recording bytes')));
  // The same server seen under another host name: a redirect to a host that is not allowed.
  app.get('/to-other-host', (req, res) =>
    res.redirect(302, `http://localhost:${req.socket.localPort}/file.mp4`),
  );
  app.get('/to-same-host', (_req, res) => res.redirect(302, '/file.mp4'));
  app.get('/loop', (_req, res) => res.redirect(302, '/loop'));
  app.get('/gone', (_req, res) => void res.status(404).send('no such object'));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'download-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(archiveDir, { recursive: true, force: true });
});

function download(pathname: string, allowedHosts: string[]): Promise<ArchiveRef> {
  const activities = recordingActivities({ archive: new FileArchive(archiveDir), allowedHosts });
  return new MockActivityEnvironment().run((input) => activities.archiveRecording(input), {
    provider: 'meetingbaas' as const,
    externalId: `bot-${pathname.slice(1)}`,
    url: `http://${origin}${pathname}`,
  });
}

test('a redirect within the allowed hosts is followed', async () => {
  const ref = await download('/to-same-host', [`http://${origin}`]);
  expect(ref.bytes).toBe('recording bytes'.length);
});

test('a redirect to a host outside DOWNLOAD_ALLOWED_HOSTS is refused, not followed', async () => {
  const err = await failure(download('/to-other-host', [`http://${origin}`]));
  expect(err.type).toBe('DownloadHostNotAllowed');
  expect(err.nonRetryable).toBe(true);
  expect(fs.existsSync(path.join(archiveDir, 'meetingbaas', 'bot-to-other-host', 'recording.mp4'))).toBe(
    false,
  );
});

test('endless redirects stop', async () => {
  const err = await failure(download('/loop', [`http://${origin}`]));
  expect(err.type).toBe('TooManyRedirects');
  expect(err.nonRetryable).toBe(true);
});

test('a 404 is a non-retryable failure naming the status', async () => {
  const err = await failure(download('/gone', [`http://${origin}`]));
  expect(err.nonRetryable).toBe(true);
  expect(err.message).toMatch(/HTTP 404/);
});
