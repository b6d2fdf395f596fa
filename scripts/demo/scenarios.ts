import type { MeetingView } from '../../domain/view';
import type { DemoTarget } from './target';

// The demo's meetings, each played through the provider simulator into the service.

export interface DemoSizes {
  words: number;
  recordingBytes: number;
}

export interface Scenario {
  title: string;
  provider: MeetingView['provider'];
  /** Creates the meeting in the simulator and plays the provider's webhooks; returns its external id. */
  play: () => Promise<string>;
  expected: 'completed' | 'failed';
  /** Set when the meeting may still be waiting at the end with the default settings: what for, which setting. */
  mayWait?: string;
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function scenarios(target: DemoTarget, sizes: DemoSizes): Scenario[] {
  const sim = <T>(path: string, body: unknown) => call<T>('POST', `${target.simulatorUrl}${path}`, body);

  /** A scripted Meeting BaaS bot whose v1 webhooks the simulator posts to the service. */
  async function meetingBaas(meeting: object, play: object): Promise<string> {
    const { botId } = await sim<{ botId: string }>('/sim/meetingbaas/meetings', {
      words: sizes.words,
      recordingBytes: sizes.recordingBytes,
      ...meeting,
    });
    const { deliveries } = await sim<{ deliveries: { event: string; code?: string; status: number }[] }>(
      `/sim/meetingbaas/meetings/${botId}/play`,
      { webhookUrl: `${target.apiUrl}/webhooks/meetingbaas`, delayMs: 100, ...play },
    );
    // 202: recorded as ignored (an event for a meeting already closed): an answer, not a refusal.
    const refused = deliveries.filter((d) => d.status !== 200 && d.status !== 202);
    if (refused.length)
      throw new Error(
        `the service refused ${refused.map((d) => `${d.code ?? d.event} (HTTP ${d.status})`).join(', ')}: ` +
          'is its MEETINGBAAS_API_KEY the simulator key (see .env.example)?',
      );
    return botId;
  }

  /** A Webex meeting in the simulator's Webex, and its signed `meetings`/`ended` webhook to the service. */
  async function webex(meeting: object): Promise<string> {
    const { meetingId } = await sim<{ meetingId: string }>('/sim/webex/meetings', {
      recordings: [{ bytes: sizes.recordingBytes, durationSeconds: 1800 }],
      ...meeting,
    });
    const sent = await sim<{ status: number; body: unknown }>(`/sim/webex/meetings/${meetingId}/webhooks`, {
      resource: 'meetings',
      event: 'ended',
      targetUrl: `${target.apiUrl}/webhooks/webex`,
    });
    if (sent.status !== 200)
      throw new Error(
        `the service answered the Webex webhook with HTTP ${sent.status} ${JSON.stringify(sent.body)}: ` +
          'are its WEBEX_* settings the simulator ones (see .env.example)?',
      );
    return meetingId;
  }

  return [
    {
      title: 'Meeting BaaS: recorded, paused, transcribed',
      provider: 'meetingbaas',
      play: () => meetingBaas({ pause: true }, {}),
      expected: 'completed',
    },
    {
      title: 'Meeting BaaS: every webhook twice, in reverse order',
      provider: 'meetingbaas',
      play: () => meetingBaas({}, { order: 'reverse', duplicate: true }),
      expected: 'completed',
    },
    {
      title: 'Meeting BaaS: bot rejected from the meeting',
      provider: 'meetingbaas',
      play: () => meetingBaas({ outcome: 'failed', failureCode: 'BotNotAccepted' }, {}),
      expected: 'failed',
    },
    {
      title: 'Meeting BaaS: final webhook lost, data published late (reconciled from the API)',
      provider: 'meetingbaas',
      play: () => meetingBaas({ dataDelayMs: 8000 }, { include: 'statuses' }),
      expected: 'completed',
      mayWait:
        'the final webhook never comes: the service asks Meeting BaaS after FINAL_DATA_TIMEOUT_SECONDS ' +
        '(30 min by default) and finds the data there',
    },
    {
      title: 'Webex: recording, transcript and participants',
      provider: 'webex',
      play: () => webex({ title: 'Demo: weekly sync', participants: 8, snippets: 30 }),
      expected: 'completed',
    },
    {
      title: 'Webex: transcript never published',
      provider: 'webex',
      play: () => webex({ title: 'Demo: no Webex Assistant', transcript: false }),
      expected: 'completed',
      mayWait:
        'Webex may publish the transcript hours later: the service keeps looking until ' +
        'WEBEX_ASSET_DEADLINE_SECONDS (24 h by default), then marks it unavailable and completes',
    },
  ];
}
