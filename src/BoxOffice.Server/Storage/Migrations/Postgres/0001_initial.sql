CREATE TABLE events (
  id              TEXT    PRIMARY KEY,
  title           TEXT    NOT NULL,
  layout_json     TEXT    NOT NULL,
  prices_json     TEXT    NOT NULL,
  currency        TEXT    NOT NULL,
  seat_count      INTEGER NOT NULL,
  available_count INTEGER NOT NULL,
  version         BIGINT  NOT NULL DEFAULT 0,
  created_at_ms   BIGINT  NOT NULL
);

-- Sparse: a seat has a row once it has changed. A released seat keeps its row, as 'available'
-- with the version of the release, so readers can catch up with "version > @v".
CREATE TABLE seats (
  event_id    TEXT   NOT NULL REFERENCES events (id),
  seat        TEXT   NOT NULL,
  status      TEXT   NOT NULL CHECK (status IN ('available', 'held', 'booked', 'blocked')),
  booking_ref TEXT,
  version     BIGINT NOT NULL,
  PRIMARY KEY (event_id, seat)
);

CREATE INDEX seats_by_version ON seats (event_id, version);

CREATE TABLE bookings (
  reference         TEXT   PRIMARY KEY,
  event_id          TEXT   NOT NULL REFERENCES events (id),
  manage_token_hash TEXT   NOT NULL,
  created_at_ms     BIGINT NOT NULL,
  cancelled_at_ms   BIGINT
);

CREATE TABLE booking_seats (
  reference      TEXT   NOT NULL REFERENCES bookings (reference),
  event_id       TEXT   NOT NULL,
  seat           TEXT   NOT NULL,
  name           TEXT   NOT NULL,
  released_at_ms BIGINT,
  -- SQLite lists a booking's seats in rowid order; this keeps the same order, the order they were claimed in.
  claim_order    BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (reference, seat)
);

-- The last line of defence: whatever the seats table says, a seat can have one live claim only.
CREATE UNIQUE INDEX booking_seats_one_live_claim ON booking_seats (event_id, seat) WHERE released_at_ms IS NULL;

-- A batch is sent in one round trip and commits without the client looking at the results first, so
-- a conditional write that finds the database not as the desk expected has to fail inside the server:
-- this raises, and the batch's implicit transaction rolls back as a whole.
CREATE FUNCTION expect_one_row(affected BIGINT, write TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF affected <> 1 THEN
    RAISE EXCEPTION '% affected % rows instead of 1', write, affected USING ERRCODE = 'BX409';
  END IF;
END
$$;
