// Secrets kept out of what people, logs and Temporal see. Pure (no I/O, deterministic), so workflows use it
// too. A meeting URL keeps scheme, host and path (which meeting) but loses its userinfo, query values and
// fragment (passwords, tokens); a presigned storage URL keeps scheme, host and path but loses its whole
// query (the signature and credential); a URL inside free text (notes, error messages) is treated the same.
import type { ProviderEvent, ReceivedProviderEvent } from './events';
import type { MeetingView } from './view';

export const REDACTED = '***';

/** Query parameters that sign or authorise a URL (S3 SigV4 and SigV2, GCS, Azure SAS, CloudFront, JWTs). */
const SIGNING_PARAM =
  /^(x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig|sv|se|key-pair-id|policy|awsaccesskeyid|token|access_token|jwt)$/i;

/** Any scheme's URL inside text, up to whitespace or a character that cannot be in a bare URL. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** Punctuation that ends a sentence or a parenthesis, not the URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** `scheme://host/path` of a URL (no userinfo, query or fragment). */
function base(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** A string that does not parse as a URL: everything from the first `?` or `#` goes, and any userinfo. */
function cut(raw: string): string {
  const head = raw.split(/[?#]/, 1)[0]!;
  return head.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
}

/** Whether the URL is signed by its query (a presigned storage URL or a tokenised link). */
export function isSignedUrl(raw: string): boolean {
  const url = parse(raw);
  return !!url && [...url.searchParams.keys()].some((name) => SIGNING_PARAM.test(name));
}

/**
 * A meeting URL fit to show: `https://zoom.us/j/123?pwd=***`. Scheme, host and path stay; userinfo, every
 * query value (a bare parameter, which may itself be the secret, entirely) and the fragment become `***`.
 */
export function redactMeetingUrl(raw: string): string {
  const url = parse(raw);
  if (!url) return cut(raw);
  const userinfo = url.username || url.password ? `${REDACTED}@` : '';
  const query = [...url.searchParams.entries()]
    .map(([name, value]) => (value === '' ? REDACTED : `${encodeURIComponent(name)}=${REDACTED}`))
    .join('&');
  return (
    `${url.protocol}//${userinfo}${url.host}${url.pathname}` +
    (url.search ? `?${query}` : '') +
    (url.hash ? `#${REDACTED}` : '')
  );
}

/** A presigned URL fit to show: scheme, host and path only (the query is its signature and credential). */
export function redactPresignedUrl(raw: string): string {
  const url = parse(raw);
  return url ? base(url) : cut(raw);
}

/** Any URL fit to show: a signed one loses its query, any other is redacted as a meeting URL. */
export function redactUrl(raw: string): string {
  return isSignedUrl(raw) ? redactPresignedUrl(raw) : redactMeetingUrl(raw);
}

/** Free text (a note, an error message) with every URL in it redacted. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
    const url = match.slice(0, match.length - trailing.length);
    return redactUrl(url) + trailing;
  });
}

/**
 * The view with every URL in its free text (title, history notes, error, reasons) redacted: for views built
 * from histories recorded before these texts were redacted at the edge.
 */
export function redactView(view: MeetingView): MeetingView {
  const asset = <A extends { reason?: string }>(a: A | undefined): A | undefined =>
    a && a.reason !== undefined ? { ...a, reason: redactUrlsInText(a.reason) } : a;
  const recording = asset(view.recording);
  return {
    ...view,
    ...(view.title !== undefined ? { title: redactUrlsInText(view.title) } : {}),
    ...(view.error ? { error: { ...view.error, message: redactUrlsInText(view.error.message) } } : {}),
    history: view.history.map((h) => (h.note === undefined ? h : { ...h, note: redactUrlsInText(h.note) })),
    ...(recording
      ? {
          recording: recording.parts
            ? { ...recording, parts: recording.parts.map((p) => asset(p)!) }
            : recording,
        }
      : {}),
    ...(view.transcript ? { transcript: asset(view.transcript) } : {}),
    ...(view.participants ? { participants: asset(view.participants) } : {}),
  };
}

/**
 * What a workflow keeps of a received event: the legacy raw `payload` dropped, and the URLs in its provider
 * text (note, error message) redacted, so that neither reaches the view, the UI or the logs. A legacy signed
 * `recording.url` is kept: it is how such a meeting still downloads its recording.
 */
export function withoutSecrets({ payload: _raw, ...rest }: ReceivedProviderEvent): ProviderEvent {
  return {
    ...rest,
    ...(rest.note !== undefined ? { note: redactUrlsInText(rest.note) } : {}),
    ...(rest.error ? { error: { ...rest.error, message: redactUrlsInText(rest.error.message) } } : {}),
  };
}
