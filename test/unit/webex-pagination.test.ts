import { nextLink, repairNextUrl } from '../../activities/webex/pagination';

const BASE = 'https://webexapis.com/v1';
const MEETING = '501e995485e2460bb129410116757b13_I_194316955237236650';

describe('nextLink', () => {
  const answered = new URL(`${BASE}/meetingParticipants?meetingId=${MEETING}&max=100`);

  test('the rel="next" URL of a Link header', () => {
    const header = `<${BASE}/meetingParticipants?meetingId=${MEETING}&max=100&offset=100>; rel="next"`;
    expect(nextLink(header, answered)?.href).toBe(
      `${BASE}/meetingParticipants?meetingId=${MEETING}&max=100&offset=100`,
    );
  });

  test('picks next among several relations, whatever their order', () => {
    const header = `<${BASE}/x?page=1>; rel="first", <${BASE}/x?page=3>; rel="next", <${BASE}/x?page=1>; rel="prev"`;
    expect(nextLink(header, answered)?.searchParams.get('page')).toBe('3');
  });

  test('a relative next URL is resolved against the URL that answered', () => {
    expect(nextLink('</v1/meetingParticipants?offset=200>; rel="next"', answered)?.href).toBe(
      `${BASE}/meetingParticipants?offset=200`,
    );
  });

  test.each<[string, string | null]>([
    ['no header', null],
    ['an empty header', ''],
    ['only other relations', `<${BASE}/x?page=1>; rel="prev"`],
    ['garbage', 'not a link header'],
  ])('undefined for %s (the last page)', (_name, header) => {
    expect(nextLink(header, answered)).toBeUndefined();
  });
});

describe('repairNextUrl', () => {
  const first = new URL(`${BASE}/meetingParticipants?meetingId=${MEETING}&max=100`);

  test('a next URL that dropped meetingId gets it back (the known Webex bug)', () => {
    const { url, repaired } = repairNextUrl(new URL(`${BASE}/meetingParticipants?max=100&offset=100`), first);
    expect(repaired).toEqual(['meetingId']);
    expect(url.searchParams.get('meetingId')).toBe(MEETING);
    expect(url.searchParams.get('offset')).toBe('100');
    expect(url.searchParams.getAll('max')).toEqual(['100']);
  });

  test('every dropped parameter comes back', () => {
    const { url, repaired } = repairNextUrl(new URL(`${BASE}/meetingParticipants?offset=100`), first);
    expect(repaired.sort()).toEqual(['max', 'meetingId']);
    expect(Object.fromEntries(url.searchParams)).toEqual({ offset: '100', meetingId: MEETING, max: '100' });
  });

  test('an intact next URL is left as it is', () => {
    const next = new URL(`${BASE}/meetingParticipants?meetingId=${MEETING}&max=100&cursor=abc`);
    const { url, repaired } = repairNextUrl(next, first);
    expect(repaired).toEqual([]);
    expect(url.href).toBe(next.href);
  });

  test('a parameter the next URL changed is not overwritten', () => {
    const next = new URL(`${BASE}/meetingParticipants?meetingId=${MEETING}&max=50&offset=50`);
    expect(repairNextUrl(next, first).url.searchParams.get('max')).toBe('50');
  });

  test('the given URL is not modified', () => {
    const next = new URL(`${BASE}/meetingParticipants?offset=100`);
    repairNextUrl(next, first);
    expect(next.search).toBe('?offset=100');
  });
});
