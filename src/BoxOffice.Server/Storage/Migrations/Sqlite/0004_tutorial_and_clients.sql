-- Tutorial flights are created lazily by anonymous clients and reachable only through the tutorial
-- routes; nothing else lists them. Flights made before this column existed are recognised by the
-- title and layout the tutorial route gave them.
ALTER TABLE events ADD COLUMN tutorial INTEGER NOT NULL DEFAULT 0;
UPDATE events SET tutorial = 1 WHERE layout_json = '{"template":"a320"}' AND title = 'Flight ' || id;

-- Who made a booking or order (the client's address, or its /64 for IPv6), so a desk can cap what one
-- client holds on an event even after a reload. NULL for rows from before the caps.
ALTER TABLE bookings ADD COLUMN client_key TEXT;
