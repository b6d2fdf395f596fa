// Activity failures are written into the workflow's history and the worker's log: a URL met on the way
// (a signed one, one with a password) leaves them redacted, whatever activity failed and however.
import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { MeetingBaasClient } from '../../activities/meetingbaas/client';
import type { WebexClient } from '../../activities/webex/client';
import { FileArchive } from '../../platform/archive';

const SIGNED = 'https://s3.example.com/r.mp4?X-Amz-Credential=AKIASECRET&X-Amz-Signature=5ec7e75ec7e7';
const MEETING = 'https://zoom.us/j/1?pwd=MEETINGPWD';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'activity-failures-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function activitiesFailingWith(err: Error) {
  const fail = () => Promise.reject(err);
  return createActivities({
    archive: new FileArchive(dir),
    allowedHosts: [],
    meetingBaas: { recordingUrl: fail, createBot: fail } as unknown as MeetingBaasClient,
    webex: {} as WebexClient,
  });
}

test('a plain error: its message and stack lose the URL secrets, the rest stays', async () => {
  const err = new Error(`GET ${SIGNED} failed for ${MEETING}`);
  const failure = (await activitiesFailingWith(err)
    .refreshMeetingBaasRecordingUrl({ botId: 'b' })
    .catch((e: unknown) => e)) as Error;
  expect(failure).toBe(err);
  expect(failure.message).toBe('GET https://s3.example.com/r.mp4 failed for https://zoom.us/j/1?pwd=***');
  expect(failure.stack).not.toMatch(/AKIASECRET|5ec7e75ec7e7|MEETINGPWD/);
  expect(failure.stack).toContain('failed for');
});

test('an ApplicationFailure keeps its type and retry decision; its cause is redacted too', async () => {
  const cause = new TypeError(`fetch failed: ${SIGNED}`);
  const err = ApplicationFailure.create({
    message: `could not send the bot to ${MEETING}`,
    type: 'Http422',
    nonRetryable: true,
    cause,
  });
  const failure = (await activitiesFailingWith(err)
    .createMeetingBaasBot({ request: { meeting_url: MEETING, bot_name: 'N' } })
    .catch((e: unknown) => e)) as ApplicationFailure;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure.type).toBe('Http422');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe('could not send the bot to https://zoom.us/j/1?pwd=***');
  expect((failure.cause as Error).message).toBe('fetch failed: https://s3.example.com/r.mp4');
});
