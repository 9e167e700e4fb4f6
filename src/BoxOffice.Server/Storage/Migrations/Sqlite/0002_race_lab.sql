-- The race lab's tables. They deliberately lack the keys the real tables have: the naive strategy
-- must be free to do the damage it does in the wild. Nothing outside the lab reads them.
CREATE TABLE lab_seats (
  event_id TEXT    NOT NULL,
  seat     TEXT    NOT NULL,
  position INTEGER NOT NULL,
  holder   TEXT,
  version  INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX lab_seats_by_position ON lab_seats (event_id, position);

-- One row per buyer who was told "success", whatever the seat row says now.
CREATE TABLE lab_claims (
  event_id TEXT NOT NULL,
  seat     TEXT NOT NULL,
  holder   TEXT NOT NULL,
  mode     TEXT NOT NULL
);

CREATE INDEX lab_claims_by_event ON lab_claims (event_id, seat);
