// Two projects, one run, one count: `suite` is every test on the directory archive; `s3` runs the end-to-end
// files below again with their stacks archiving to a real S3 server (SeaweedFS, started once by the global
// setup). `TEST_ARCHIVE=s3 npx jest [files]` (`npm run test:s3`) runs the `suite` project alone, on S3.
// (Not webex-flow: its seed meeting has a fixed id, which two projects running at once would share.)
const S3_END_TO_END = ['meetingbaas-flow', 'meetingbaas-v2', 'large-payload'];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // One real Temporal dev server for the whole run, and one workflow bundle for every test worker.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
};

const s3Project = {
  ...shared,
  displayName: 's3',
  testMatch: S3_END_TO_END.map((name) => `<rootDir>/test/integration/${name}.test.ts`),
  globalSetup: '<rootDir>/test/setup/global-setup-s3.ts',
  setupFiles: ['<rootDir>/test/setup/archive-s3.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 90_000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'suite', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    // With TEST_ARCHIVE=s3 the suite is already on S3: a second pass would repeat it.
    ...(process.env.TEST_ARCHIVE === 's3' ? [] : [s3Project]),
  ],
};
