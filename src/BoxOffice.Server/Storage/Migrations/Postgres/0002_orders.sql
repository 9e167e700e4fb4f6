-- A held seat's booking_ref is its order. The hold lapses at the order's expires_at_ms: a seat's
-- status is derived from (status, its order's deadline, now), so an expired hold is free even before any sweeper runs.
CREATE TABLE orders (
  order_id        TEXT    PRIMARY KEY,
  event_id        TEXT    NOT NULL REFERENCES events (id),
  idempotency_key TEXT    NOT NULL,
  request_hash    TEXT    NOT NULL,
  email           TEXT    NOT NULL,
  -- No manage token, not even hashed: it is derived from the order id and a secret in `secrets`.
  payment_id      TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('awaiting_payment', 'paid', 'ticketed', 'cancelled', 'expired')),
  refund_due      BOOLEAN NOT NULL DEFAULT FALSE,
  expires_at_ms   BIGINT  NOT NULL,
  tickets_total   INTEGER NOT NULL,
  tickets_issued  INTEGER NOT NULL DEFAULT 0,
  created_at_ms   BIGINT  NOT NULL,
  updated_at_ms   BIGINT  NOT NULL
);

-- Idempotency is a unique key, never a check-then-insert.
CREATE UNIQUE INDEX orders_by_idempotency_key ON orders (idempotency_key);
CREATE UNIQUE INDEX orders_by_payment ON orders (payment_id);
-- The recovery worker's question: which orders have a step due?
CREATE INDEX orders_due ON orders (state, expires_at_ms) WHERE state IN ('awaiting_payment', 'paid');
CREATE INDEX orders_by_event ON orders (event_id);

-- One row per distinct webhook outcome: a repeated delivery finds its row and changes nothing.
CREATE TABLE payment_events (
  payment_id     TEXT   NOT NULL,
  status         TEXT   NOT NULL,
  received_at_ms BIGINT NOT NULL,
  PRIMARY KEY (payment_id, status)
);

-- One ticket per seat of an order, whatever happens: the unique key makes a second issue impossible.
CREATE TABLE tickets (
  code         TEXT   PRIMARY KEY,
  order_id     TEXT   NOT NULL REFERENCES orders (order_id),
  seat         TEXT   NOT NULL,
  name         TEXT   NOT NULL,
  issued_at_ms BIGINT NOT NULL
);

CREATE UNIQUE INDEX tickets_one_per_seat ON tickets (order_id, seat);

-- Secrets the server generates once and must keep across restarts (the key that derives manage tokens).
CREATE TABLE secrets (
  name  TEXT  PRIMARY KEY,
  value BYTEA NOT NULL
);
