import { parseWebexMeetingId } from '../../domain/webex/ids';

// The ids of the seed document (004) and the reference's examples.
const SERIES = '501e995485e2460bb129410116757b13';

test.each<[string, ReturnType<typeof parseWebexMeetingId>]>([
  [SERIES, { kind: 'series', seriesId: SERIES }],
  [`${SERIES}_20210514T203000Z`, { kind: 'scheduled', seriesId: SERIES }],
  [`${SERIES}_I_194316955237236650`, { kind: 'instance', seriesId: SERIES }],
  [
    '25bbf831-5be9-4c25-b4b0-9b592c8a086b',
    { kind: 'series', seriesId: '25bbf831-5be9-4c25-b4b0-9b592c8a086b' },
  ],
  ['', undefined],
  [`${SERIES}_I_`, undefined],
  [`${SERIES}_2021-05-14`, undefined],
  [`${SERIES}_I_12/../x`, undefined],
  ['a b', undefined],
])('%p -> %p', (id, expected) => {
  expect(parseWebexMeetingId(id)).toEqual(expected);
});
