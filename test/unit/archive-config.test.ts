// ARCHIVE_URL: which archive the processes build (archiveFromConfig), and what is refused.
import path from 'node:path';
import { FileArchive, S3Archive, archiveFromConfig } from '../../platform/archive';
import { ConfigError, parseConfig } from '../../platform/config';

const archiveOf = (env: NodeJS.ProcessEnv) => archiveFromConfig(parseConfig(env));

test('unset or file://: the directory ARCHIVE_DIR', () => {
  for (const env of [{}, { ARCHIVE_URL: 'file://' }, { ARCHIVE_URL: '' }]) {
    const archive = archiveOf({ ...env, ARCHIVE_DIR: '/var/archive' });
    expect(archive).toBeInstanceOf(FileArchive);
    expect(archive.location).toBe(path.resolve('/var/archive'));
  }
});

test('file:///<dir>: that directory', () => {
  const archive = archiveOf({ ARCHIVE_URL: 'file:///srv/meetings', ARCHIVE_DIR: '/var/archive' });
  expect(archive).toBeInstanceOf(FileArchive);
  expect(archive.location).toBe('/srv/meetings');
});

test.each([
  ['s3://meetings', 'meetings', ''],
  ['s3://meetings/', 'meetings', ''],
  ['s3://meetings/prod/archive/', 'meetings', 'prod/archive'],
  ['s3://my.bucket-1/a', 'my.bucket-1', 'a'],
])('%s: object storage, bucket %s, prefix "%s"', (url, bucket, prefix) => {
  const archive = archiveOf({ ARCHIVE_URL: url });
  expect(archive).toBeInstanceOf(S3Archive);
  expect((archive as S3Archive).where).toEqual({ bucket, prefix });
  expect(archive.location).toBe(`s3://${bucket}${prefix ? `/${prefix}` : ''}`);
});

test.each([
  ['https://s3.amazonaws.com/meetings', /must be s3:\/\/<bucket>/],
  ['s3:/meetings', /must be s3:\/\/<bucket>/],
  ['/var/archive', /must be s3:\/\/<bucket>/],
  ['file://host/archive', /must be s3:\/\/<bucket>/],
  ['s3://Meetings', /not an S3 bucket name/],
  ['s3://ab', /not an S3 bucket name/],
  ['s3://meetings//double', /the prefix is/],
  ['s3://meetings/../up', /the prefix is/],
])('ARCHIVE_URL=%s is refused, saying why', (url, says) => {
  expect(() => parseConfig({ ARCHIVE_URL: url })).toThrow(ConfigError);
  expect(() => parseConfig({ ARCHIVE_URL: url })).toThrow(says);
});
