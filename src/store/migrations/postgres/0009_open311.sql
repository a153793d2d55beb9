-- Open311 GeoReport v2 (docs/INTEGRATION.md): what a partner filed through
-- POST /open311/v2/requests beyond the request's own columns. The reporter's
-- name and phone go into the request (the phone sealed like any other); the
-- email is checked and not kept. One row per request filed this way, written
-- in the intake's transaction.
CREATE TABLE open311_request (
	request_id BIGINT PRIMARY KEY REFERENCES request (id),
	api_key_id BIGINT NOT NULL,          -- the key that filed it (api_key.id)
	service_code TEXT NOT NULL,          -- the category's code when filed
	attributes TEXT NOT NULL DEFAULT '{}', -- JSON object: attribute code -> value, a list for multivaluelist
	account_id TEXT NOT NULL DEFAULT '', -- the partner's own account id of the reporter
	device_id TEXT NOT NULL DEFAULT '',
	media_url TEXT NOT NULL DEFAULT '',  -- the partner's photo URL, when it sent one
	created_at TEXT NOT NULL
);
