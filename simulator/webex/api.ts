// The Webex REST endpoints the service uses, under /webex/v1: recordings, transcripts and their snippets,
// participants, and a meeting's settings. Everything but /access_token needs a bearer token.
import { Router, type Request } from 'express';
import type { WebexTokens } from './auth';
import { participants, snippets, transcriptTxt, transcriptVtt } from './bodies';
import { webexError } from './errors';
import type { WebexMeetingStore } from './meetings';
import { sendPage } from './pagination';
import type { WebexMeeting } from './scenario';

/** What the REST endpoints read of the simulated Webex (routes.ts's WebexSim, which mounts them). */
export interface WebexApiSource {
  readonly tokens: WebexTokens;
  readonly meetingStore: WebexMeetingStore;
  baseUrl(): string;
  findMeeting(id: string): WebexMeeting | undefined;
  listRecordings(meetingId?: string): object[];
  recordingDetails(recordingId: string): object | undefined;
  listTranscripts(meetingId?: string): object[];
  publishedTranscript(transcriptId: string): WebexMeeting | undefined;
  /** Every DELETE of a recording or transcript, in order (tests read them). */
  readonly deletedAssets: Array<{ kind: 'recording' | 'transcript'; id: string; status: number }>;
}

const queryString = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function webexApiRouter(sim: WebexApiSource): Router {
  const router = Router();
  router.use(sim.tokens.routes('/access_token'));
  router.use(sim.tokens.requireBearer());

  const page = <T>(req: Request, res: Parameters<typeof sendPage>[1], items: T[], dropQuery?: string[]) => {
    const error = sendPage(req, res, items, { baseUrl: sim.baseUrl(), dropQuery });
    if (error) webexError(res, 400, error);
  };

  router.get('/recordings', (req, res) => {
    page(req, res, sim.listRecordings(queryString(req, 'meetingId')));
  });

  router.get('/recordings/:recordingId', (req, res) => {
    const details = sim.recordingDetails(req.params.recordingId);
    if (!details) return webexError(res, 404, 'The requested resource could not be found.');
    res.json(details);
  });

  // Deletion (204; 404 when unknown): recorded, the asset itself is left as it is.
  router.delete('/recordings/:recordingId', (req, res) => {
    const status = sim.recordingDetails(req.params.recordingId) ? 204 : 404;
    sim.deletedAssets.push({ kind: 'recording', id: req.params.recordingId, status });
    if (status === 404) return webexError(res, 404, 'The requested resource could not be found.');
    res.status(204).end();
  });
  router.delete('/meetingTranscripts/:transcriptId', (req, res) => {
    const status = sim.publishedTranscript(req.params.transcriptId) ? 204 : 404;
    sim.deletedAssets.push({ kind: 'transcript', id: req.params.transcriptId, status });
    if (status === 404) return webexError(res, 404, 'The requested resource could not be found.');
    res.status(204).end();
  });

  router.get('/meetingTranscripts', (req, res) => {
    page(req, res, sim.listTranscripts(queryString(req, 'meetingId')));
  });

  router.get('/meetingTranscripts/:transcriptId/download', (req, res) => {
    const m = sim.publishedTranscript(req.params.transcriptId);
    if (!m) return webexError(res, 404, 'The requested resource could not be found.');
    const format = queryString(req, 'format') ?? 'vtt';
    if (format === 'vtt') return void res.type('text/vtt').send(transcriptVtt(m));
    if (format === 'txt') return void res.type('text/plain').send(transcriptTxt(m));
    webexError(res, 400, 'format must be vtt or txt');
  });

  router.get('/meetingTranscripts/:transcriptId/snippets', (req, res) => {
    const m = sim.publishedTranscript(req.params.transcriptId);
    if (!m) return webexError(res, 404, 'The requested resource could not be found.');
    page(req, res, snippets(m), m.dropQueryInLinks ? ['meetingId'] : undefined);
  });

  router.get('/meetingParticipants', (req, res) => {
    const meetingId = queryString(req, 'meetingId');
    if (!meetingId) return webexError(res, 400, 'meetingId is required.');
    const m = sim.findMeeting(meetingId);
    if (!m) return webexError(res, 404, 'Meeting not found.');
    page(req, res, participants(m), m.dropQueryInLinks ? ['meetingId'] : undefined);
  });

  router.get('/meetings/:meetingId', (req, res) => {
    const meeting = sim.meetingStore.get(req.params.meetingId);
    if (!meeting) return webexError(res, 404, 'Meeting not found.');
    res.json(meeting);
  });

  router.patch('/meetings/:meetingId', (req, res) => {
    const result = sim.meetingStore.patch(req.params.meetingId, req.body);
    if (result.status !== 200) return webexError(res, result.status, result.message);
    res.json(result.meeting);
  });

  router.use((_req, res) => webexError(res, 404, 'The requested resource could not be found.'));
  return router;
}
