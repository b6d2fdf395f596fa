// setupFiles of the `s3` jest project: the stacks of its test files archive to S3 (dev/test-archive.ts).
// Each test file has its own copy of process.env, so this leaves the other project's files on the directory.
process.env.TEST_ARCHIVE = 's3';
