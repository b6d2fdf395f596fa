import { DEFAULT_BACKOFF, restartDelayMs } from '../../scripts/supervisor';

test('restart delays double from 1 s up to 30 s', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelayMs(n))).toEqual([
    1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
  ]);
  expect(restartDelayMs(3, { ...DEFAULT_BACKOFF, initialMs: 100, maxMs: 250 })).toBe(250);
});
