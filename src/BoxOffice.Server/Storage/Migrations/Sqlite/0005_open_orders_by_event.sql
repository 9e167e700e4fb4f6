-- The event list counts each event's held seats, and lapsed holds, from its unpaid orders. Through
-- orders_by_event that reads every order the event ever had; this reads only the unpaid ones, split at now.
CREATE INDEX orders_open_by_event ON orders (event_id, expires_at_ms) WHERE state = 'awaiting_payment';
