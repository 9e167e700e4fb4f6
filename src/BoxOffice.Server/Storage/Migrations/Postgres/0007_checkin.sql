-- Door check-in. A ticket's code is now signed (ECDSA P-256, the key in `secrets`) and names the ticket by a
-- short id of its own, which admission is keyed on. Tickets issued before this have no id and no signed code.
ALTER TABLE tickets ADD COLUMN ticket_id TEXT;
CREATE UNIQUE INDEX tickets_by_ticket_id ON tickets (ticket_id);

-- One row per admitted ticket: the primary key makes admission a compare-and-set, so a ticket scanned at
-- several gates at once is admitted exactly once. An offline scan uploaded later may move the row to an
-- earlier scan (the earliest scan wins), never add a second one.
CREATE TABLE admissions (
  ticket_id      TEXT    PRIMARY KEY REFERENCES tickets (ticket_id),
  event_id       TEXT    NOT NULL REFERENCES events (id),
  gate           TEXT    NOT NULL,
  admitted_at_ms BIGINT  NOT NULL,
  recorded_at_ms BIGINT  NOT NULL
);

CREATE INDEX admissions_by_event ON admissions (event_id, gate);
