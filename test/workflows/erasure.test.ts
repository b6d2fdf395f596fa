// Erasure on request (workflows/erasure.ts) on skipped time, the activities stubbed: an erased meeting's assets
// become unavailable and stay so, whatever a collection under way brings back; the provider's answer (or
// refusal) is in the view; a closed meeting is erased by a new run from its view.
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { DEFAULTS, startSkippedMeetings, type SkippedMeetings } from '../helpers/time-skipping';
import { meetingBaasComplete, meetingBaasStatus } from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const newBotId = () => `bot-${randomUUID()}`;
const erase = (botId: string, provider = false) =>
  meetings.gateway.eraseData('meetingbaas', botId, { requestedAt: new Date().toISOString(), provider });

async function completed(botId: string): Promise<void> {
  const t0 = await meetings.now();
  for (const event of [meetingBaasStatus(botId, 'call_ended', t0), meetingBaasComplete(botId, t0)])
    await meetings.deliver(event);
  await meetings.viewWhen('meetingbaas', botId, (v) => v.status === 'completed');
}

test('a completed meeting erased with ?provider=true: deletedAt, assets unavailable, the provider asked once', async () => {
  const botId = newBotId();
  await completed(botId);
  expect(await erase(botId, true)).toMatchObject({ resumed: false });
  const view = await meetings.viewWhen(
    'meetingbaas',
    botId,
    (v) => v.erasure?.provider?.status === 'deleted',
  );
  expect(view.deletedAt).toBeDefined();
  expect(view.status).toBe('completed');
  expect(view.recording).toEqual({ status: 'unavailable', reason: `erased on request at ${view.deletedAt}` });
  expect(view.transcript).toMatchObject({ status: 'unavailable', utterances: 12 });
  expect(view.transcript).not.toHaveProperty('speakers');
  expect(view.erasure).toMatchObject({ objectsDeleted: 3, provider: { status: 'deleted' } });
  expect(meetings.provider.calls(botId, 'eraseMeetingData')).toHaveLength(1);
  expect(meetings.provider.calls(botId, 'deleteProviderData')).toHaveLength(1);

  // Again: idempotent, deletedAt stays the first erasure's.
  await erase(botId);
  const again = await meetings.viewWhen(
    'meetingbaas',
    botId,
    (v) => v.history.filter((h) => h.code === 'data_erased').length === 2,
  );
  expect(again.deletedAt).toBe(view.deletedAt);
  expect(meetings.provider.calls(botId, 'deleteProviderData')).toHaveLength(1);
});

test('erased while the recording is retried: the recording ends unavailable (erased), never archived', async () => {
  const botId = newBotId();
  let storageDown = true;
  meetings.provider.script(botId, {
    archiveRecording: () => {
      if (storageDown)
        throw ApplicationFailure.create({
          message: 'recording download: HTTP 503',
          type: 'ProviderUnavailable',
        });
      // What the archive's guard makes of the write once the meeting is erased (activities/index.ts).
      throw ApplicationFailure.create({
        message: 'the data was erased on request',
        type: 'MeetingErased',
        nonRetryable: true,
      });
    },
  });
  const t0 = await meetings.now();
  for (const event of [meetingBaasStatus(botId, 'call_ended', t0), meetingBaasComplete(botId, t0)])
    await meetings.deliver(event);
  await meetings.skip(60);
  expect((await meetings.view('meetingbaas', botId)).status).toBe('collecting');
  await erase(botId);
  await meetings.viewWhen('meetingbaas', botId, (v) => v.deletedAt !== undefined);
  storageDown = false;
  await meetings.skip(3600);
  const view = await meetings.view('meetingbaas', botId);
  expect(view.status).not.toBe('collecting');
  expect(view.recording).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^erased/) });
  expect(view.transcript).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^erased/) });
});

test("the provider's refusal is in the view; a closed meeting is erased by a new run that closes again", async () => {
  const botId = newBotId();
  meetings.provider.script(botId, {
    deleteProviderData: () => {
      throw ApplicationFailure.create({
        message: 'Meeting BaaS delete data: HTTP 409',
        type: 'Http409',
        nonRetryable: true,
      });
    },
  });
  await completed(botId);
  await meetings.skip(DEFAULTS.MEETING_LINGER_SECONDS + 60);
  await meetings.closed('meetingbaas', botId);

  expect(await erase(botId, true)).toMatchObject({ resumed: true });
  const { view } = await meetings.closed('meetingbaas', botId);
  expect(view.deletedAt).toBeDefined();
  expect(view.erasure?.provider).toMatchObject({ status: 'refused', note: expect.stringMatching(/409/) });
  expect(view.history.map((h) => h.code)).toEqual(
    expect.arrayContaining(['complete', 'erasure_requested', 'data_erased', 'provider_erasure_refused']),
  );
});
