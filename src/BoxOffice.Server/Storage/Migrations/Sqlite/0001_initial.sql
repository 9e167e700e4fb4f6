CREATE TABLE events (
  id              TEXT    PRIMARY KEY,
  title           TEXT    NOT NULL,
  layout_json     TEXT    NOT NULL,
  prices_json     TEXT    NOT NULL,
  currency        TEXT    NOT NULL,
  seat_count      INTEGER NOT NULL,
  available_count INTEGER NOT NULL,
  version         INTEGER NOT NULL DEFAULT 0,
  created_at_ms   INTEGER NOT NULL
);

-- Sparse: a seat has a row once it has changed. A released seat keeps its row, as 'available'
-- with the version of the release, so readers can catch up with "version > @v".
CREATE TABLE seats (
  event_id    TEXT    NOT NULL REFERENCES events (id),
  seat        TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('available', 'held', 'booked', 'blocked')),
  booking_ref TEXT,
  version     INTEGER NOT NULL,
  PRIMARY KEY (event_id, seat)
) WITHOUT ROWID;

CREATE INDEX seats_by_version ON seats (event_id, version);

CREATE TABLE bookings (
  reference         TEXT    PRIMARY KEY,
  event_id          TEXT    NOT NULL REFERENCES events (id),
  manage_token_hash TEXT    NOT NULL,
  created_at_ms     INTEGER NOT NULL,
  cancelled_at_ms   INTEGER
);

CREATE TABLE booking_seats (
  reference      TEXT    NOT NULL REFERENCES bookings (reference),
  event_id       TEXT    NOT NULL,
  seat           TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  released_at_ms INTEGER,
  PRIMARY KEY (reference, seat)
);

-- The last line of defence: whatever the seats table says, a seat can have one live claim only.
CREATE UNIQUE INDEX booking_seats_one_live_claim ON booking_seats (event_id, seat) WHERE released_at_ms IS NULL;
