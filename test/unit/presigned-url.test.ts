import { presignedUrlExpiry } from '../../domain/presigned-url';

const S3 = 'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4';
const sigV4 = (date: string, expires: string) =>
  `${S3}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Feu-west-3%2Fs3%2Faws4_request` +
  `&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef0123456789`;

describe('presignedUrlExpiry', () => {
  test.each([
    ['two hours after signing', sigV4('20240101T120000Z', '7200'), '2024-01-01T14:00:00.000Z'],
    ['one second', sigV4('20240101T120000Z', '1'), '2024-01-01T12:00:01.000Z'],
    ['zero seconds (expires at signing time)', sigV4('20240101T120000Z', '0'), '2024-01-01T12:00:00.000Z'],
    ['across midnight and a year end', sigV4('20231231T230000Z', '7200'), '2024-01-01T01:00:00.000Z'],
    ['seven days (the SigV4 maximum)', sigV4('20240225T000000Z', '604800'), '2024-03-03T00:00:00.000Z'],
    ['a leap day', sigV4('20240228T230000Z', '3600'), '2024-02-29T00:00:00.000Z'],
    ['seconds in the signing time', sigV4('20240101T120059Z', '1'), '2024-01-01T12:01:00.000Z'],
    [
      'parameters in another order',
      `${S3}?X-Amz-Expires=60&X-Amz-Signature=x&X-Amz-Date=20240101T120000Z`,
      '2024-01-01T12:01:00.000Z',
    ],
  ])('%s', (_name, url, expected) => {
    expect(presignedUrlExpiry(url)).toBe(expected);
  });

  test.each([
    ['no query at all', S3],
    ['the seed URL (signature only)', `${S3}?X-Amz-Signature=...`],
    ['no X-Amz-Date', `${S3}?X-Amz-Expires=7200&X-Amz-Signature=x`],
    ['no X-Amz-Expires', `${S3}?X-Amz-Date=20240101T120000Z&X-Amz-Signature=x`],
    ['empty X-Amz-Expires', sigV4('20240101T120000Z', '')],
    ['empty X-Amz-Date', sigV4('', '7200')],
    ['date in ISO form instead of the basic form', sigV4('2024-01-01T12:00:00Z', '7200')],
    ['date without its Z', sigV4('20240101T120000', '7200')],
    ['date without a time', sigV4('20240101', '7200')],
    ['date that is words', sigV4('yesterday', '7200')],
    ['non-numeric expires', sigV4('20240101T120000Z', 'soon')],
    ['negative expires', sigV4('20240101T120000Z', '-60')],
    ['fractional expires', sigV4('20240101T120000Z', '1.5')],
    ['expires with a unit', sigV4('20240101T120000Z', '7200s')],
    ['not a URL', 'not a url'],
    ['an empty string', ''],
    ['a relative path', '/path/to/video.mp4?X-Amz-Date=20240101T120000Z&X-Amz-Expires=7200'],
  ])('undefined for %s', (_name, url) => {
    expect(presignedUrlExpiry(url)).toBeUndefined();
  });

  // Dates that match the 8+6 digit shape but are not calendar dates: the URL is malformed, so there is no
  // expiry to trust (Date.UTC would silently roll them over into another date).
  test.each([
    ['month 13', sigV4('20241301T120000Z', '7200')],
    ['February 30th', sigV4('20240230T120000Z', '7200')],
    ['hour 25', sigV4('20240101T250000Z', '7200')],
    ['minute 61', sigV4('20240101T126100Z', '7200')],
    ['day 00', sigV4('20240100T120000Z', '7200')],
  ])('undefined for an impossible date: %s', (_name, url) => {
    expect(presignedUrlExpiry(url)).toBeUndefined();
  });
});
