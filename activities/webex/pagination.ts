// Webex list endpoints page with `Link: <url>; rel="next"` (RFC 8288). Known Webex bug: the next URL of
// some endpoints (meetingParticipants, snippets) drops query parameters of the first request, such as
// meetingId, and then answers 400 or another meeting's data; the client puts them back.
import LinkHeader from 'http-link-header';

/** The `rel="next"` URL of a Link header, resolved against the URL that answered; undefined at the end. */
export function nextLink(header: string | null, answered: URL): URL | undefined {
  if (!header?.trim()) return undefined;
  let uri: string | undefined;
  try {
    uri = LinkHeader.parse(header).rel('next')[0]?.uri;
  } catch {
    return undefined;
  }
  if (!uri) return undefined;
  try {
    return new URL(uri, answered);
  } catch {
    return undefined;
  }
}

/** `next` with every query parameter of `first` that it lacks added back; `repaired` names them. */
export function repairNextUrl(next: URL, first: URL): { url: URL; repaired: string[] } {
  const url = new URL(next);
  const repaired: string[] = [];
  for (const [name, value] of first.searchParams) {
    if (url.searchParams.has(name)) continue;
    url.searchParams.append(name, value);
    repaired.push(name);
  }
  return { url, repaired };
}
