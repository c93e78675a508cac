-- The example's source: a small SaaS app's accounts and their daily usage, in PostgreSQL.
-- Re-runnable (it replaces the schema pssync_example):
--   psql postgres://postgres@127.0.0.1:5432/postgres -f examples/postgres/seed.sql
DROP SCHEMA IF EXISTS pssync_example CASCADE;
CREATE SCHEMA pssync_example;

CREATE TABLE pssync_example.accounts (
  id            bigint PRIMARY KEY,
  external_id   uuid NOT NULL,
  email         text NOT NULL,
  plan          text NOT NULL,
  mrr           numeric(12,2),
  signed_up_at  timestamptz NOT NULL,
  trial_ends_on date,
  is_active     boolean NOT NULL,
  settings      jsonb,
  tags          text[],
  avatar_sha1   bytea
);

CREATE TABLE pssync_example.daily_usage (
  account_id bigint NOT NULL REFERENCES pssync_example.accounts (id),
  day        date NOT NULL,
  api_calls  integer NOT NULL,
  PRIMARY KEY (account_id, day)
);

INSERT INTO pssync_example.accounts VALUES
  (9007199254740993, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ada@example.com', 'enterprise', 12500.00,
   '2025-11-30 23:30:00.123456+01', NULL, true, '{"seats": 250, "sso": true, "limits": {"api": 12345678901234567890}}',
   '{"vip","emea"}', '\x2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'),
  (2, 'b1ffcd88-8d1a-4ef8-bb6d-6bb9bd380a22', 'grace@example.com', 'pro', 49.90,
   '2026-02-14 08:00:00+00', '2026-03-14', true, '{"seats": 3}', '{"amer"}', NULL),
  (3, 'c2aade77-7e2b-4ef8-bb6d-6bb9bd380a33', 'linus@example.com', 'free', 0.00,
   '2026-06-01 12:15:30.5-07', '2026-07-01', false, NULL, '{}', NULL),
  (4, 'd3bbef66-6f3c-4ef8-bb6d-6bb9bd380a44', 'margaret@example.com', 'pro', 99.00,
   '2026-09-09 09:09:09+09', NULL, true, '{"seats": 10, "beta": ["charts", "exports"]}', '{"apac","beta"}', NULL);

-- 30 days of usage for every active account, the same numbers on every run.
INSERT INTO pssync_example.daily_usage
SELECT a.id, DATE '2026-11-01' + d, (a.id % 97 + d * 7) % 500
FROM pssync_example.accounts a CROSS JOIN generate_series(0, 29) AS d
WHERE a.is_active;
