-- The race lab's runs: each one rush per strategy, started from /api/lab/runs and run inside the server.
-- Only the lab reads or writes these; the booking routes never do.
CREATE TABLE lab_runs (
  id             TEXT    PRIMARY KEY,
  seats          INTEGER NOT NULL,
  buyers         INTEGER NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  error          TEXT,
  started_at_ms  INTEGER NOT NULL,
  finished_at_ms INTEGER
);

-- One row per strategy a run finished, in the order it ran them.
CREATE TABLE lab_run_results (
  run_id              TEXT    NOT NULL REFERENCES lab_runs (id),
  position            INTEGER NOT NULL,
  strategy            TEXT    NOT NULL,
  told_success        INTEGER NOT NULL,
  refused             INTEGER NOT NULL,
  errors              INTEGER NOT NULL,
  seats_claimed       INTEGER NOT NULL,
  lost_updates        INTEGER NOT NULL,
  double_booked_seats INTEGER NOT NULL,
  unsold_seats        INTEGER NOT NULL,
  audit_anomalies     INTEGER NOT NULL,
  wall_ms             INTEGER NOT NULL,
  p99_ms              REAL    NOT NULL,
  PRIMARY KEY (run_id, position)
);
