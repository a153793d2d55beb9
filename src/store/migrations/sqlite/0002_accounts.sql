-- Accounts, roles, scopes, sessions, API keys and the audit chain.
CREATE TABLE role (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	builtin INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);
CREATE TABLE role_capability (
	role_id TEXT NOT NULL REFERENCES role (id) ON DELETE CASCADE,
	capability TEXT NOT NULL,
	PRIMARY KEY (role_id, capability)
);
CREATE TABLE app_user (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	phone_enc TEXT,                 -- nonce + secretbox, base64
	phone_hash TEXT,                -- keyed hash, for lookup
	phone_masked TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,    -- argon2id, libsodium's string form
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked', 'disabled')),
	locked_until INTEGER NOT NULL DEFAULT 0,   -- Unix seconds; lock-out after failures
	failed_count INTEGER NOT NULL DEFAULT 0,
	failed_since INTEGER NOT NULL DEFAULT 0,
	department_id INTEGER,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX app_user_phone_hash ON app_user (phone_hash);
CREATE TABLE user_role (
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	role_id TEXT NOT NULL REFERENCES role (id),
	PRIMARY KEY (user_id, role_id)
);
CREATE TABLE user_scope (
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	scope TEXT NOT NULL,            -- an area code prefix, or '*' for everything
	PRIMARY KEY (user_id, scope)
);
CREATE TABLE session (
	token_hash TEXT PRIMARY KEY,    -- hash of the cookie's token; the token itself is never stored
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_by_user ON session (user_id);
CREATE TABLE api_key (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	created_by INTEGER,
	created_at TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at TEXT
);
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,               -- UTC, ISO 8601
	user_id INTEGER,
	login TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
	request_id TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_login ON audit_log (login, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
