// GET …/recording: our own copy once the recording is archived (a presigned URL of the object store, or the
// file served by this API with Range), the provider's refreshed URL only before that, 410 once erased.
import { Router, type Request, type Response } from 'express';
import type { MeetingView } from '../domain/view';
import type { Archive } from '../platform/archive';
import { sendError } from './errors';
import { freshRecordingUrl, meetingOf } from './meetings';
import type { MeetingsGateway } from './temporal-gateway';

/** How long a presigned URL of the archived recording stays valid: long enough to start a download. */
export const OWN_COPY_URL_SECONDS = 15 * 60;

/** The path of the file route, for a meeting (the redirect of a directory archive goes there). */
export function recordingFilePath(provider: string, externalId: string): string {
  return `/meetings/${encodeURIComponent(provider)}/${encodeURIComponent(externalId)}/recording/file`;
}

export function recordingRoutes(gateway: MeetingsGateway, archive: Archive): Router {
  const router = Router();

  /** The meeting's view, or undefined once 404 (no such meeting) or 410 (erased) was sent. */
  const viewOf = async (req: Request, res: Response): Promise<MeetingView | undefined> => {
    const meeting = meetingOf(req, res);
    if (!meeting) return undefined;
    const view = await gateway.view(meeting.provider, meeting.externalId);
    if (!view) {
      sendError(res, 404, 'not_found', `no meeting ${meeting.provider}:${meeting.externalId}`);
      return undefined;
    }
    if (view.deletedAt !== undefined) {
      sendError(
        res,
        410,
        'gone',
        `the data of ${view.workflowId} was erased on request at ${view.deletedAt}`,
      );
      return undefined;
    }
    return view;
  };
  const archivedRef = (view: MeetingView) =>
    view.recording?.status === 'archived' ? view.recording.archive : undefined;

  router.get('/meetings/:provider/:externalId/recording', async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const ref = archivedRef(view);
    if (!ref) {
      // Not archived yet: the provider's URL, refreshed if needed.
      const url = await freshRecordingUrl(gateway, req, res);
      if (url) res.redirect(302, url.url);
      return;
    }
    const copy = await archive.servedCopy(ref, OWN_COPY_URL_SECONDS);
    // A same-origin redirect: clients keep the Authorization header on it (fetch, curl -L).
    res.redirect(302, copy.kind === 'url' ? copy.url : recordingFilePath(view.provider, view.externalId));
  });

  /**
   * The archived recording itself, from a directory archive (an object store's presigned URL otherwise), with
   * Range (206) and conditional requests; the same read token as every GET route.
   */
  router.get('/meetings/:provider/:externalId/recording/file', async (req, res) => {
    const view = await viewOf(req, res);
    if (!view) return;
    const ref = archivedRef(view);
    if (!ref) return sendError(res, 404, 'not_found', `${view.workflowId} has no archived recording yet`);
    const copy = await archive.servedCopy(ref, OWN_COPY_URL_SECONDS);
    if (copy.kind === 'url') return res.redirect(302, copy.url);
    res.sendFile(
      copy.path,
      { headers: { 'content-type': 'video/mp4', 'cache-control': 'private, no-store' }, dotfiles: 'allow' },
      (err) => {
        // Erased between the view and the read, or the client went away: nothing more to say then.
        if (err && !res.headersSent)
          sendError(res, 404, 'not_found', `the archived recording of ${view.workflowId} is not there`);
      },
    );
  });
  return router;
}
