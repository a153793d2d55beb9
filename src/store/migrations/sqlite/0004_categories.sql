-- Requests' reference data: the category tree (事项分类, imported from CSV),
-- the dispatch rules (category subtree × area subtree → owner), the
-- content-addressed photos, and the notification inbox. docs/REQUESTS.md.
CREATE TABLE category (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES category (id) DEFERRABLE INITIALLY DEFERRED,
	code TEXT NOT NULL UNIQUE,      -- the parent's code + more: the materialised path
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'event' CHECK (kind IN ('event', 'component')),
	intake_standard TEXT NOT NULL DEFAULT '',   -- 立案标准
	default_level TEXT CHECK (default_level IN ('grid', 'community', 'street', 'district', 'city')),
	default_department_id INTEGER REFERENCES unit (id),
	limit_normal TEXT,              -- 5d working days, 4wh working hours, 2h clock hours;
	limit_urgent TEXT,              -- NULL: the parent's (top level: limit_normal)
	limit_critical TEXT,
	closure_standard TEXT NOT NULL DEFAULT '',  -- 结案标准
	attributes TEXT,                -- JSON list (Open311 metadata)
	active INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX category_children ON category (parent_id, code);

CREATE TABLE dispatch_rule (
	id INTEGER PRIMARY KEY,
	category_id INTEGER NOT NULL REFERENCES category (id),  -- and its subtree
	area_id INTEGER NOT NULL REFERENCES area (id),          -- and its subtree
	owner_level TEXT CHECK (owner_level IN ('grid', 'community', 'street', 'district', 'city')),
	owner_unit_id INTEGER REFERENCES unit (id),
	priority INTEGER NOT NULL DEFAULT 0,                    -- the larger wins a tie
	created_at TEXT NOT NULL,
	created_by INTEGER,
	CHECK ((owner_level IS NULL) <> (owner_unit_id IS NULL)),
	UNIQUE (category_id, area_id, priority)
);
CREATE INDEX dispatch_rule_by_area ON dispatch_rule (area_id);

CREATE TABLE photo (
	sha256 TEXT PRIMARY KEY,        -- 64 hex digits; the file is photo_dir/ab/<sha256>
	mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
	bytes INTEGER NOT NULL,
	width INTEGER,
	height INTEGER,
	created_at TEXT NOT NULL,
	created_by INTEGER
);

CREATE TABLE notification (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,             -- dispatched, returned, overdue, … (domain/notifications.c)
	request_id INTEGER,             -- a request (0005 creates the table)
	text TEXT NOT NULL,
	created_at TEXT NOT NULL,
	read_at TEXT
);
CREATE INDEX notification_inbox ON notification (user_id, id);
CREATE INDEX notification_unread ON notification (user_id, id) WHERE read_at IS NULL;
