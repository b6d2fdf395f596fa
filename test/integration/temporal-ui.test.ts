// What an operator sees of a meeting in the real Temporal web UI (the one bundled with the suite's dev
// server), driven in headless Chromium: the summary, the current details in Markdown, the activity and
// timer summaries, and the list filtered by the meeting search attributes. Saves screenshots to
// test-artifacts/temporal-ui/ (UPDATE_DOCS_SCREENSHOT=1 also refreshes the README's docs/temporal-ui-meeting.png).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../../contract/payload-codec';
import { READ_TOKEN, startStack, viewWhenOn, type Stack } from '../helpers/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/temporal-ui');
const DOCS_SCREENSHOT = path.resolve(__dirname, '../../docs/temporal-ui-meeting.png');
// A recording published one look late: the history then has a "look again" timer too.
// A completed Webex meeting keeps looking for late assets until the asset deadline, then closes.
const FAST = { pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, assetDeadlineSeconds: 8 };

let stack: Stack;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: the Temporal UI test needs it. Install it (Debian: apt-get install -y chromium;` +
        ' .ci/run does) or point CHROMIUM_PATH at a Chromium binary.',
    );
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
  page.setDefaultTimeout(20_000);
  stack = await startStack({ webex: FAST });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function uiUrl(pathAndQuery: string): string {
  const base = process.env.TEMPORAL_TEST_UI_URL;
  if (!base) throw new Error('TEMPORAL_TEST_UI_URL is not set: run the tests through jest (global setup)');
  return `${base}/namespaces/default${pathAndQuery}`;
}
const listUrl = (query: string) => uiUrl(`/workflows?query=${encodeURIComponent(query)}`);

async function screenshot(name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

test('a finished Webex meeting: summary, current details and activity summaries in the UI; status filter finds it', async () => {
  const meeting = stack.sim.webex.addMeeting({
    title: 'Weekly product sync',
    recordingsAfterListings: 1,
    participants: 7,
  });
  const workflowId = `webex:${meeting.meetingId}`;
  await stack.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'started', stack.webexWebhookUrl);
  await stack.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', stack.webexWebhookUrl);
  const view = await viewWhenOn(() => stack, 'webex')(meeting.meetingId, (v) => v.status === 'completed');
  const recordingId = view.recording!.parts![0]!.id;

  // Opened by workflow id alone, the UI shows the latest run's timeline: each activity says what it fetched.
  await page.goto(uiUrl(`/workflows/${encodeURIComponent(workflowId)}`));
  await page.waitForURL(/\/timeline$/);
  await page.getByText(`Download recording ${recordingId} of ${workflowId}`.slice(0, 60)).waitFor();
  await page.getByText('Look for the Webex recording again in 1 s').first().waitFor();
  await page.getByText(`Download the participant list of ${workflowId}`.slice(0, 60)).waitFor();
  await screenshot('meeting-timeline.png');

  // User metadata: the start's summary and the workflow's current details (each rendered in its own frame).
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  const summary = page.frameLocator('#user-metadata-summary');
  await summary.getByText(`Webex meeting ${meeting.meetingId}`).waitFor();
  const details = page.frameLocator('#user-metadata-current-details');
  await details
    .getByRole('heading', { name: `Webex meeting “Weekly product sync” (${meeting.meetingId}) · completed` })
    .waitFor();
  await details.getByText('Status: completed').waitFor();
  await details.getByRole('heading', { name: 'Archive' }).waitFor();
  await details.getByText(view.recording!.archive!.uri).waitFor();
  await details.getByText('participants (7)').waitFor();
  await details.getByRole('heading', { name: 'Timeline' }).waitFor();
  await details.getByRole('cell', { name: 'meetings.ended' }).waitFor();
  expect(await details.getByRole('heading', { name: 'Failed' }).count()).toBe(0);
  const detailsShot = await screenshot('meeting-user-metadata.png');
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
    fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
    fs.copyFileSync(detailsShot, DOCS_SCREENSHOT);
  }

  // The list, filtered on the search attributes the dev server registered (an unknown one is an error),
  // once the workflow has closed (past the asset deadline).
  await stack.client.workflow.getHandle(workflowId).result();
  await page.goto(listUrl('MeetingProvider = "webex" AND MeetingStatus = "completed"'));
  const row = page.getByRole('row').filter({ hasText: workflowId });
  await row.waitFor();
  expect(await row.innerText()).toMatch(/COMPLETED[\s\S]*meetingWorkflow/);
  await screenshot('meetings-completed-list.png');

  await page.goto(listUrl(`WorkflowId = "${workflowId}" AND MeetingStatus = "failed"`));
  await page.getByText('No Workflows Found').waitFor();
  await page.goto(listUrl('MeetingStatusTypo = "completed"'));
  await page.getByText('Error Filtering Workflows').waitFor();
});

describe('with encrypted payloads', () => {
  const key: EncryptionKey = { id: 'ui-test', key: randomBytes(32) };
  let encrypted: Stack;
  const uiOrigin = () => new URL(uiUrl('/')).origin;
  beforeAll(async () => {
    encrypted = await startStack({ webex: FAST, encryptionKeys: [key], codecCorsOrigins: [uiOrigin()] });
  });
  afterAll(async () => {
    await encrypted?.stop();
  });

  /** What the UI's own fetch to the codec endpoint gets, run in the UI's page (its origin, its cookies). */
  const decodeStatusFromUi = () =>
    page.evaluate(
      (endpoint) =>
        fetch(`${endpoint}/decode`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
          body: JSON.stringify({ payloads: [] }),
        }).then((r) => r.status),
      `${encrypted.apiUrl}/codec`,
    );

  test('after trading a read token for a codec session, the UI shows the decoded summary and details', async () => {
    const meeting = encrypted.sim.webex.addMeeting({ title: 'Encrypted board meeting', participants: 3 });
    const workflowId = `webex:${meeting.meetingId}`;
    await encrypted.sim.webex.sendWebhook(
      meeting.meetingId,
      'meetings',
      'started',
      encrypted.webexWebhookUrl,
    );
    await encrypted.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', encrypted.webexWebhookUrl);
    await viewWhenOn(() => encrypted, 'webex')(meeting.meetingId, (v) => v.status === 'completed');

    // The UI's codec settings, as an operator sets them in its Codec Server panel (kept in local storage).
    await page.goto(uiUrl('/workflows'));
    await page.evaluate((endpoint) => {
      // (The browser's localStorage: this file is typed without the DOM library.)
      const { localStorage } = globalThis as unknown as {
        localStorage: { setItem(key: string, value: string): void };
      };
      localStorage.setItem('endpoint', JSON.stringify(endpoint));
      localStorage.setItem('includeCredentials', 'true');
      localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    }, `${encrypted.apiUrl}/codec`);
    // No session yet: the UI's calls are refused, a read token is still required.
    expect(await decodeStatusFromUi()).toBe(401);

    // The operator's one step: the service's session page, a read token.
    await page.goto(`${encrypted.apiUrl}/codec/session`);
    await page.getByLabel('Read token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByRole('heading', { name: 'Codec session started' }).waitFor();
    await page.goto(uiUrl('/workflows'));
    expect(await decodeStatusFromUi()).toBe(200);

    await page.goto(uiUrl(`/workflows/${encodeURIComponent(workflowId)}`));
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await page
      .frameLocator('#user-metadata-summary')
      .getByText(`Webex meeting ${meeting.meetingId}`)
      .waitFor();
    await page
      .frameLocator('#user-metadata-current-details')
      .getByRole('heading', {
        name: `Webex meeting “Encrypted board meeting” (${meeting.meetingId}) · completed`,
      })
      .waitFor();
    await screenshot('encrypted-meeting-user-metadata.png');
  });
});
