-- The event lifecycle. What only pages show (venue, description, times) is one JSON document; what the
-- list sorts or filters by, and what the desk checks on every sale, are columns. Existing events are on
-- sale with an open window and listed unless they are tutorial flights, as before.
ALTER TABLE events ADD COLUMN details_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'on_sale' CHECK (status IN ('draft', 'on_sale', 'closed', 'cancelled'));
ALTER TABLE events ADD COLUMN listed BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE events ADD COLUMN starts_at_ms BIGINT;
ALTER TABLE events ADD COLUMN sales_open_at_ms BIGINT;
ALTER TABLE events ADD COLUMN sales_close_at_ms BIGINT;
UPDATE events SET listed = FALSE WHERE tutorial;
CREATE INDEX events_listed_by_start ON events (listed, status, starts_at_ms);

-- A staff hold ("press", "artist") or a block is a booking whose seats only staff release or sell.
ALTER TABLE bookings ADD COLUMN hold_name TEXT;

CREATE TABLE staff_accounts (
  email            TEXT    PRIMARY KEY,
  password_hash    TEXT    NOT NULL,
  role             TEXT    NOT NULL CHECK (role IN ('admin', 'boxoffice', 'door')),
  created_at_ms    BIGINT  NOT NULL,
  failed_logins    INTEGER NOT NULL DEFAULT 0,
  locked_until_ms  BIGINT  NOT NULL DEFAULT 0,
  -- Changes when the password or role does, so sessions issued before end.
  stamp            TEXT    NOT NULL
);

CREATE TABLE api_tokens (
  id             TEXT    PRIMARY KEY,
  account_email  TEXT    NOT NULL REFERENCES staff_accounts (email),
  name           TEXT    NOT NULL,
  role           TEXT    NOT NULL CHECK (role IN ('admin', 'boxoffice', 'door')),
  secret_hash    TEXT    NOT NULL,
  created_at_ms  BIGINT  NOT NULL,
  revoked_at_ms  BIGINT
);

-- One row per change to an event or what it sells, written in the change's own transaction. An entry
-- is numbered by the event version its change committed and its place in that commit.
CREATE TABLE event_log (
  event_id  TEXT    NOT NULL,
  version   BIGINT  NOT NULL,
  n         INTEGER NOT NULL,
  at_ms     BIGINT  NOT NULL,
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  details   TEXT    NOT NULL,
  PRIMARY KEY (event_id, version, n)
);
