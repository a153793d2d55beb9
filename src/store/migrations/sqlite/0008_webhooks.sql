-- Webhooks (docs/INTEGRATION.md "Webhooks"): subscriptions, the outbox of
-- deliveries written in the same transaction as the request event they
-- announce, and every attempt to deliver one.
CREATE TABLE webhook (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL,              -- http:// or https:// only
	events TEXT NOT NULL,           -- ",request.created,request.closed," (commas around each: one LIKE matches)
	area_id INTEGER NOT NULL REFERENCES area (id),
	area_code TEXT NOT NULL,        -- only requests in this subtree are delivered
	secret_enc TEXT NOT NULL,       -- sealed with the master key (crypto_seal)
	active INTEGER NOT NULL DEFAULT 1,
	description TEXT NOT NULL DEFAULT '',
	created_by INTEGER,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX webhook_active ON webhook (active, area_code);
CREATE TABLE webhook_delivery (
	id INTEGER PRIMARY KEY,
	delivery_id TEXT NOT NULL UNIQUE, -- X-Linli-Delivery: receivers de-duplicate by it
	webhook_id INTEGER NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
	event TEXT NOT NULL,
	request_id INTEGER,             -- NULL for a ping
	payload TEXT NOT NULL,          -- the JSON body, signed as sent
	status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'parked')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	lease_until TEXT,               -- a delivery thread holds it until then
	last_status INTEGER,            -- HTTP status of the last attempt, NULL without a response
	last_error TEXT NOT NULL DEFAULT '',
	last_response TEXT NOT NULL DEFAULT '', -- at most 1 KiB
	last_duration_ms INTEGER,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	delivered_at TEXT
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_log ON webhook_delivery (webhook_id, status, id);
CREATE TABLE webhook_attempt (
	id INTEGER PRIMARY KEY,
	delivery_id INTEGER NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	status INTEGER,                 -- HTTP status, NULL when none came
	duration_ms INTEGER NOT NULL,
	error TEXT NOT NULL DEFAULT '', -- timeout, refused …
	response TEXT NOT NULL DEFAULT '' -- the body's first 1 KiB
);
CREATE INDEX webhook_attempt_by_delivery ON webhook_attempt (delivery_id, id);
