// The simulator's range requests (simulator/range.ts) and seekable content (simulator/content.ts): what a
// resumed download is tested against must itself be right.
import { contentChunks } from '../../simulator/content';
import { ifRangeHolds, requestedRange } from '../../simulator/range';

const bytes = (seed: string, size: number, start = 0) =>
  Buffer.concat([...contentChunks(seed, size, 1000, start)]);

test('content from an offset is the same bytes as the whole content from there', () => {
  const whole = bytes('seed', 100_003);
  for (const start of [0, 1, 15, 16, 17, 4096, 65_537, 100_002])
    expect(bytes('seed', 100_003, start).equals(whole.subarray(start))).toBe(true);
});

test('Range: one bytes range, open or closed or a suffix; anything else is the whole object', () => {
  expect(requestedRange('bytes=100-', 1000)).toEqual({ start: 100, end: 999 });
  expect(requestedRange('bytes=100-199', 1000)).toEqual({ start: 100, end: 199 });
  expect(requestedRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
  expect(requestedRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
  expect(requestedRange('bytes=1000-', 1000)).toBe('unsatisfiable');
  expect(requestedRange('bytes=-0', 1000)).toBe('unsatisfiable');
  for (const whole of [undefined, '', 'bytes=-', 'bytes=5-2', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-'])
    expect(requestedRange(whole, 1000)).toBeUndefined();
});

test('If-Range: the same strong ETag or Last-Modified holds; another, or a weak ETag, does not', () => {
  const etag = '"abc"';
  const lastModified = 'Wed, 02 Dec 2026 05:00:00 GMT';
  expect(ifRangeHolds(undefined, etag, lastModified)).toBe(true);
  expect(ifRangeHolds('"abc"', etag, lastModified)).toBe(true);
  expect(ifRangeHolds(lastModified, etag, lastModified)).toBe(true);
  expect(ifRangeHolds('"abd"', etag, lastModified)).toBe(false);
  expect(ifRangeHolds('W/"abc"', etag, lastModified)).toBe(false);
  expect(ifRangeHolds('Wed, 02 Dec 2026 05:00:01 GMT', etag, lastModified)).toBe(false);
});
