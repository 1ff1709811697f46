/** @module Schema of the control-plane state: settings, API keys, the policy version and its change log. */
export const migration001Core = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row: the policy version every node serves. Bumped in the same transaction as every change.
CREATE TABLE policy_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO policy_version (id, version) VALUES (1, 1);
-- Durable record of every control-plane change, written in the change's own transaction.
CREATE TABLE changes (
  version    INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  detail     TEXT NOT NULL
);
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  tenant      TEXT NOT NULL,
  name        TEXT,
  hash        TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  models      TEXT,
  rpm         INTEGER,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE TABLE restrictions (
  id                  TEXT PRIMARY KEY,
  model               TEXT NOT NULL,
  scope               TEXT NOT NULL,
  action              TEXT NOT NULL,
  reason              TEXT NOT NULL,
  incident            TEXT,
  created_by          TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  expires_at          INTEGER,
  terminate_in_flight INTEGER NOT NULL,
  lifted_at           INTEGER,
  lifted_by           TEXT,
  lift_reason         TEXT
);
-- Gateway nodes: registration, heartbeat and the policy version each one applied.
CREATE TABLE nodes (
  id               TEXT PRIMARY KEY,
  region           TEXT NOT NULL,
  pid              INTEGER,
  host             TEXT,
  started_at       INTEGER NOT NULL,
  heartbeat_at     INTEGER NOT NULL,
  applied_version  INTEGER NOT NULL,
  applied_at       INTEGER NOT NULL,
  stopped_at       INTEGER
);
`;
