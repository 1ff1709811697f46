/** @module PostgreSQL schema of the control-plane state; the same tables as SQLite's 001-core, with BIGINT millisecond times. */
export const pgMigration001Core = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row: the policy version every node serves. Bumped in the same transaction as every change; its row lock
-- is what serialises concurrent writers, so versions commit in order.
CREATE TABLE policy_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO policy_version (id, version) VALUES (1, 1);
-- Durable record of every control-plane change, written in the change's own transaction.
CREATE TABLE changes (
  version BIGINT PRIMARY KEY,
  kind    TEXT NOT NULL,
  actor   TEXT NOT NULL,
  at      BIGINT NOT NULL,
  detail  TEXT NOT NULL
);
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  tenant      TEXT NOT NULL,
  name        TEXT,
  hash        TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  models      TEXT,
  rpm         INTEGER,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);
CREATE TABLE restrictions (
  id                  TEXT PRIMARY KEY,
  model               TEXT NOT NULL,
  scope               TEXT NOT NULL,
  action              TEXT NOT NULL,
  reason              TEXT NOT NULL,
  incident            TEXT,
  created_by          TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  expires_at          BIGINT,
  terminate_in_flight BOOLEAN NOT NULL,
  lifted_at           BIGINT,
  lifted_by           TEXT,
  lift_reason         TEXT
);
CREATE INDEX restrictions_active ON restrictions (created_at, id) WHERE lifted_at IS NULL;
-- Gateway nodes: registration, heartbeat and the policy version each one applied.
CREATE TABLE nodes (
  id               TEXT PRIMARY KEY,
  region           TEXT NOT NULL,
  pid              INTEGER,
  host             TEXT,
  started_at       BIGINT NOT NULL,
  heartbeat_at     BIGINT NOT NULL,
  applied_version  BIGINT NOT NULL,
  applied_at       BIGINT NOT NULL,
  stopped_at       BIGINT
);
`;
