/** @module Schema of the audit log (hash chains, signed checkpoints, retention runs, node keys) and of incidents. */
export const migration002Audit = `
-- Public keys of every node that signs checkpoints, so a verifier needs nothing but the database or the pack.
CREATE TABLE audit_keys (
  key_id     TEXT PRIMARY KEY,
  chain      TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- One hash chain per node (chain = node id); body is the canonical JSON that hash (SHA-256) covers.
CREATE TABLE audit_events (
  chain TEXT NOT NULL,
  seq   INTEGER NOT NULL,
  at    INTEGER NOT NULL,
  hash  TEXT NOT NULL,
  body  TEXT NOT NULL,
  PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
CREATE INDEX audit_events_at ON audit_events (chain, at);
CREATE TABLE audit_checkpoints (
  chain      TEXT NOT NULL,
  size       INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  key_id     TEXT NOT NULL,
  statement  TEXT NOT NULL,
  signature  TEXT NOT NULL,
  frontier   TEXT NOT NULL,
  PRIMARY KEY (chain, size)
) WITHOUT ROWID;
CREATE TABLE audit_retention (
  chain          TEXT NOT NULL,
  pruned_through INTEGER NOT NULL,
  cutoff         INTEGER NOT NULL,
  at             INTEGER NOT NULL,
  actor          TEXT NOT NULL,
  event_seq      INTEGER NOT NULL,
  deleted        INTEGER NOT NULL,
  PRIMARY KEY (chain, pruned_through)
);
CREATE TABLE incidents (
  id          TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  severity    TEXT NOT NULL,
  model       TEXT,
  serious     TEXT,
  status      TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  opened_at   INTEGER NOT NULL,
  opened_by   TEXT NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  deadline_at INTEGER
);
CREATE TABLE incident_timeline (
  incident TEXT NOT NULL REFERENCES incidents (id),
  seq      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  actor    TEXT NOT NULL,
  kind     TEXT NOT NULL,
  note     TEXT,
  detail   TEXT,
  PRIMARY KEY (incident, seq)
);
`;
