// The Markdown an operator reads in the Temporal UI's "current details" (workflows/ui.ts).
import { meetingViewSchema, type MeetingView } from '../../domain/view';
import { currentDetails, summaryLine, TIMELINE_ROWS } from '../../workflows/ui';

const SHA = 'ab12cd34ef56'.padEnd(64, '0');
const ref = (name: string, bytes: number) => ({
  uri: `file:///archive/webex/m1_I_1/${name}`,
  bytes,
  sha256: SHA,
});
const entry = (at: string, code: string, status: MeetingView['status'], extra = {}) => ({
  at,
  code,
  status,
  source: 'webhook' as const,
  applied: true,
  ...extra,
});

function view(over: Partial<MeetingView>): MeetingView {
  return meetingViewSchema.parse({
    workflowId: 'meetingbaas:bot-1',
    provider: 'meetingbaas',
    externalId: 'bot-1',
    status: 'recording',
    history: [],
    ...over,
  });
}

/** The lines of one `### title` section, without the heading. */
function section(markdown: string, title: string): string[] {
  const block = markdown.split('\n\n').find((b) => b.startsWith(`### ${title}\n`));
  return block ? block.split('\n').slice(1) : [];
}

describe('summaryLine', () => {
  test('provider, meeting id and status', () => {
    expect(summaryLine(view({}))).toBe('Meeting BaaS bot bot-1 · recording');
  });
  test('the title when the provider names the meeting, on one line', () => {
    const v = view({
      provider: 'webex',
      externalId: 'm1_I_1',
      workflowId: 'webex:m1_I_1',
      title: ' Weekly\n sync ',
      status: 'completed',
    });
    expect(summaryLine(v)).toBe('Webex meeting “Weekly sync” (m1_I_1) · completed');
  });
});

describe('currentDetails', () => {
  test('starts with the summary line as a heading, then the status facts', () => {
    const md = currentDetails(
      view({
        startedAt: '2024-01-01T12:00:00.000Z',
        endedAt: '2024-01-01T12:30:00.000Z',
        endReason: 'bot_removed',
      }),
    );
    const [heading, facts] = md.split('\n\n');
    expect(heading).toBe('## Meeting BaaS bot bot-1 · recording');
    expect(facts!.split('\n')).toEqual([
      '- **Status:** recording',
      '- **Workflow:** `meetingbaas:bot-1`',
      '- **Started:** 2024-01-01 12:00:00Z',
      '- **Ended:** 2024-01-01 12:30:00Z',
      '- **End reason:** `bot_removed`',
    ]);
  });

  test('pending: what the status waits for, the assets not archived yet, and what the timers wait for', () => {
    const md = currentDetails(
      view({
        status: 'collecting',
        recording: { status: 'pending' },
        transcript: { status: 'archived', archive: ref('t.json', 10) },
      }),
      ['Webex has not published the recording yet: looking again at 2024-01-01T12:05:00.000Z'],
    );
    expect(section(md, 'Pending')).toEqual([
      '- recording: not archived yet',
      '- Webex has not published the recording yet: looking again at 2024-01-01T12:05:00.000Z',
    ]);
    expect(section(currentDetails(view({ status: 'waiting_room' })), 'Pending')).toEqual([
      '- Waiting for the bot to be admitted from the waiting room.',
    ]);
    expect(
      section(currentDetails(view({ status: 'ended' }), [], "Meeting BaaS's final data"), 'Pending')[0],
    ).toBe("- Waiting for Meeting BaaS's final data.");
  });

  test('a completed meeting has nothing pending and nothing failed', () => {
    const md = currentDetails(
      view({ status: 'completed', recording: { status: 'archived', archive: ref('r.mp4', 5) } }),
    );
    expect(md).not.toContain('### Pending');
    expect(md).not.toContain('### Failed');
  });

  test('failed: the error, every unavailable asset and file with its reason, the failed attempts', () => {
    const md = currentDetails(
      view({
        status: 'failed',
        error: { code: 'final_event_missing', message: 'no final data within 86400 s' },
        recording: {
          status: 'unavailable',
          reason: 'download failed: 403',
          parts: [{ id: 'rec-2', status: 'unavailable', reason: 'link expired' }],
        },
        transcript: { status: 'unavailable' },
        history: [
          entry('2024-01-01T12:00:00.000Z', 'call_ended', 'ended'),
          entry('2024-01-01T12:31:00.000Z', 'reconcile_failed', 'ended', { source: 'api', note: 'HTTP 401' }),
        ],
      }),
    );
    expect(section(md, 'Failed')).toEqual([
      '- **Meeting failed:** `final_event_missing`: no final data within 86400 s',
      '- recording unavailable: download failed: 403',
      '- transcript unavailable: no reason given',
      '- recording file `rec-2` unavailable: link expired',
      '- 2024-01-01 12:31:00Z `reconcile_failed`: HTTP 401',
    ]);
    expect(md).not.toContain('### Pending');
  });

  test('archive: where each asset is, its size and the start of its hash; every file of a split recording', () => {
    const md = currentDetails(
      view({
        provider: 'webex',
        externalId: 'm1_I_1',
        workflowId: 'webex:m1_I_1',
        status: 'completed',
        recording: {
          status: 'archived',
          archive: ref('rec-1.mp4', 300),
          durationSeconds: 90,
          parts: [
            { id: 'rec-1', status: 'archived', archive: ref('rec-1.mp4', 300) },
            { id: 'rec-2', status: 'archived', archive: ref('rec-2.mp4', 120) },
          ],
        },
        transcript: {
          status: 'archived',
          archive: ref('transcript.json', 2207),
          utterances: 6,
          speakers: ['Alice', 'Bob'],
          files: { vtt: ref('transcript.vtt', 1147) },
        },
        participants: { status: 'archived', count: 7, archive: ref('participants.json', 5243) },
      }),
    );
    expect(section(md, 'Archive')).toEqual([
      '- recording file `rec-1`: `file:///archive/webex/m1_I_1/rec-1.mp4` (300 bytes, sha256 `ab12cd34ef56`…)',
      '- recording file `rec-2`: `file:///archive/webex/m1_I_1/rec-2.mp4` (120 bytes, sha256 `ab12cd34ef56`…)',
      '- transcript (6 utterances, speakers: Alice, Bob): `file:///archive/webex/m1_I_1/transcript.json` (2207 bytes, sha256 `ab12cd34ef56`…)',
      '- transcript VTT: `file:///archive/webex/m1_I_1/transcript.vtt` (1147 bytes, sha256 `ab12cd34ef56`…)',
      '- participants (7): `file:///archive/webex/m1_I_1/participants.json` (5243 bytes, sha256 `ab12cd34ef56`…)',
    ]);
    const single = currentDetails(
      view({
        status: 'completed',
        recording: { status: 'archived', archive: ref('r.mp4', 5), durationSeconds: 60 },
      }),
    );
    expect(section(single, 'Archive')).toEqual([
      '- recording, 60 s: `file:///archive/webex/m1_I_1/r.mp4` (5 bytes, sha256 `ab12cd34ef56`…)',
    ]);
  });

  test('timeline: a table of the events, those not applied marked, the oldest left out past the limit', () => {
    const history = Array.from({ length: TIMELINE_ROWS + 3 }, (_, i) =>
      entry(`2024-01-01T12:${String(i).padStart(2, '0')}:00.000Z`, `code_${i}`, 'recording', {
        applied: i !== TIMELINE_ROWS + 2,
      }),
    );
    const md = currentDetails(view({ history }));
    const table = md.slice(md.indexOf('### Timeline'));
    const lines = table.split('\n');
    expect(lines[1]).toBe('_3 earlier events not shown (see the `meeting` query)._');
    const rows = lines.filter((l) => l.startsWith('| 2024'));
    expect(rows).toHaveLength(TIMELINE_ROWS);
    expect(rows[0]).toBe('| 2024-01-01 12:03:00Z | `code_3` | recording | webhook |  |');
    expect(rows.at(-1)).toBe('| 2024-01-01 12:27:00Z | `code_27` | recording (not applied) | webhook |  |');
    expect(currentDetails(view({}))).not.toContain('### Timeline');
  });

  test('provider text cannot break the table or inject Markdown or HTML', () => {
    const md = currentDetails(
      view({
        title: '**Board** | <img src=x onerror=alert(1)>',
        history: [
          entry('2024-01-01T12:00:00.000Z', 'weird|`code`', 'recording', {
            note: 'line one\n| injected | row |',
          }),
        ],
      }),
    );
    const rows = md.split('\n').filter((l) => l.startsWith('| 2024'));
    expect(rows).toEqual([
      '| 2024-01-01 12:00:00Z | `weird  code ` | recording | webhook | line one \\| injected \\| row \\| |',
    ]);
    expect(md).toContain('“\\*\\*Board\\*\\* \\| \\<img src=x onerror=alert(1)\\>”');
    expect(md).not.toMatch(/(^|[^\\])<img/);
  });
});
