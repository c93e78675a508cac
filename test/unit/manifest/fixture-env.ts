/** The environment the manifest fixtures are loaded with; every value here is a "secret". */
export const FIXTURE_ENV: Readonly<Record<string, string>> = {
  PSSYNC_TEST_PASSWORD: 'hunter2-secret',
  PSSYNC_TEST_PG_URL: 'postgres://admin:pg-secret-pw@db/analytics',
  PSSYNC_TEST_DATA_DIR: '/data',
  PSSYNC_TEST_URL: 'mysql://app%40x:p%2Fss-secret@db.example.com:3307/analytics?ssl-mode=VERIFY_CA',
  PLANETSCALE_HOST: 'aws.connect.psdb.cloud',
  PLANETSCALE_USERNAME: 'branch-user',
  PLANETSCALE_PASSWORD: 'pscale_pw_abcdef',
  SOURCE_DATABASE_URL: 'mysql://reader:source-secret@replica.example.com/app',
};
