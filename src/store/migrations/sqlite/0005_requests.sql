-- Requests (接诉即办): one row per request (the projection of its events),
-- the append-only events, summoned departments, photos, full-text search
-- and the figures' roll-ups. docs/REQUESTS.md is the contract.
--
-- Times are UTC "YYYY-MM-DDTHH:MM:SSZ" (seconds, so they compare as text).
CREATE TABLE request (
	id INTEGER PRIMARY KEY,
	tracking_code TEXT NOT NULL UNIQUE,  -- public, 10 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ
	source TEXT NOT NULL CHECK (source IN ('hotline', 'web', 'grid_report', 'one_tap', 'walk_in',
	                                       'open311')),
	kind TEXT NOT NULL CHECK (kind IN ('consultation', 'help', 'complaint', 'report', 'suggestion',
	                                   'praise')),
	urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
	category_id INTEGER NOT NULL REFERENCES category (id),
	category_top_id INTEGER NOT NULL REFERENCES category (id), -- the roll-ups' category
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	area_id INTEGER NOT NULL REFERENCES area (id), -- where it happened: a grid or a node below it
	area_code TEXT NOT NULL,             -- denormalised for range scans; follows area moves
	address TEXT NOT NULL DEFAULT '',
	lng REAL,                            -- WGS-84
	lat REAL,
	reporter_name TEXT NOT NULL DEFAULT '',
	reporter_phone_enc TEXT,             -- sealed like people's phones (auth/pii.h)
	reporter_phone_hash TEXT,
	reporter_phone_masked TEXT NOT NULL DEFAULT '',
	reporter_user_id INTEGER REFERENCES app_user (id),
	anonymous INTEGER NOT NULL DEFAULT 0, -- hidden from the public, never from staff
	state TEXT NOT NULL CHECK (state IN ('registered', 'waiting_dispatch', 'dispatched',
	                                     'return_requested', 'handling', 'waiting_reporter',
	                                     'extension_requested', 'handled', 'waiting_feedback',
	                                     'dissatisfied', 'closed', 'archived', 'cancelled',
	                                     'invalid', 'merged')),
	owner_area_id INTEGER REFERENCES area (id),   -- the office that owns it, or
	owner_unit_id INTEGER REFERENCES unit (id),   -- the department that owns it
	owner_level TEXT CHECK (owner_level IN ('grid', 'community', 'street', 'district', 'city')),
	handling_level TEXT CHECK (handling_level IN ('grid', 'community', 'street', 'district', 'city')),
	due_at TEXT,                         -- the current stage's deadline
	handle_due_at TEXT,                  -- the handle deadline (closed on time = resolved before it)
	sweep_at TEXT,                       -- when the overdue scheduler looks at it next (NULL: never)
	overdue INTEGER NOT NULL DEFAULT 0,  -- the current stage's deadline passed (set by the scheduler)
	overdue_count INTEGER NOT NULL DEFAULT 0,
	paused_at TEXT,                      -- waiting_reporter since
	paused_minutes INTEGER NOT NULL DEFAULT 0, -- working minutes paused in all
	extension_days INTEGER NOT NULL DEFAULT 0, -- approved, in all (at most 10)
	extension_asked INTEGER NOT NULL DEFAULT 0, -- days asked by the pending extension request
	supervision INTEGER NOT NULL DEFAULT 0 CHECK (supervision BETWEEN 0 AND 3),
	rework_count INTEGER NOT NULL DEFAULT 0,
	merged_into INTEGER REFERENCES request (id) DEFERRABLE INITIALLY DEFERRED,
	solved INTEGER,                      -- NULL until rated
	feedback TEXT CHECK (feedback IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
	rated_at TEXT,
	created_at TEXT NOT NULL,
	dispatched_at TEXT,                  -- the first dispatch
	acknowledged_at TEXT,                -- the first acknowledgement
	resolved_at TEXT,                    -- the latest resolution
	closed_at TEXT,
	updated_at TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,  -- bumped by every event: the optimistic lock
	CHECK (owner_area_id IS NULL OR owner_unit_id IS NULL)
);
CREATE INDEX request_by_state_due ON request (state, due_at);
CREATE INDEX request_by_area ON request (area_code, id);
CREATE INDEX request_by_owner_area ON request (owner_area_id, state);
CREATE INDEX request_by_owner_unit ON request (owner_unit_id, state);
CREATE INDEX request_by_created ON request (created_at, id);
CREATE INDEX request_by_category ON request (category_id, created_at);
CREATE INDEX request_by_sweep ON request (sweep_at);
CREATE INDEX request_by_reporter ON request (reporter_user_id);
CREATE INDEX request_by_phone ON request (reporter_phone_hash);
CREATE INDEX request_by_supervision ON request (supervision, state);

-- Append-only: never updated or deleted. Seq 1 is the intake ("create").
CREATE TABLE request_event (
	request_id INTEGER NOT NULL REFERENCES request (id),
	seq INTEGER NOT NULL,
	at TEXT NOT NULL,
	action TEXT NOT NULL,               -- the flow's action, "create" or "overdue"
	from_state TEXT NOT NULL,           -- '' for create
	to_state TEXT NOT NULL,
	actor_user_id INTEGER,              -- NULL: a resident on the public pages, or the scheduler
	actor_level TEXT NOT NULL DEFAULT '', -- grid … city, department, public, system
	owner_area_id INTEGER,              -- the owner after the event
	owner_unit_id INTEGER,
	note TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '{}',    -- JSON: reason, photos, rating, days …, and "counts"/"unit_counts"
	PRIMARY KEY (request_id, seq)
);
CREATE INDEX request_event_by_at ON request_event (at);

-- Departments summoned by a whistle (吹哨报到).
CREATE TABLE request_party (
	request_id INTEGER NOT NULL REFERENCES request (id),
	unit_id INTEGER NOT NULL REFERENCES unit (id),
	role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
	part TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('summoned', 'reported_in', 'done')),
	result TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (request_id, unit_id)
);
CREATE INDEX request_party_by_unit ON request_party (unit_id, state);

CREATE TABLE request_photo (
	request_id INTEGER NOT NULL REFERENCES request (id),
	sha256 TEXT NOT NULL REFERENCES photo (sha256),
	stage TEXT NOT NULL CHECK (stage IN ('intake', 'resolve', 'verify')),
	event_seq INTEGER NOT NULL,
	PRIMARY KEY (request_id, sha256, stage)
);

-- Full text: an external-content FTS5 table kept by triggers, so copies and
-- imports into request fill it too. Trigram: Chinese has no spaces.
CREATE VIRTUAL TABLE request_fts USING fts5(title, description, address, content = 'request',
                                            content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER request_fts_insert AFTER INSERT ON request BEGIN
	INSERT INTO request_fts (rowid, title, description, address)
	VALUES (new.id, new.title, new.description, new.address);
END;
CREATE TRIGGER request_fts_update AFTER UPDATE OF title, description, address ON request BEGIN
	INSERT INTO request_fts (request_fts, rowid, title, description, address)
	VALUES ('delete', old.id, old.title, old.description, old.address);
	INSERT INTO request_fts (rowid, title, description, address)
	VALUES (new.id, new.title, new.description, new.address);
END;
CREATE TRIGGER request_fts_delete AFTER DELETE ON request BEGIN
	INSERT INTO request_fts (request_fts, rowid, title, description, address)
	VALUES ('delete', old.id, old.title, old.description, old.address);
END;

-- The figures' roll-ups: counters added to in the transaction of the event
-- that moves them, never recomputed in place. request_rollup has a row per
-- area (the request's area and every ancestor of it), local day (the
-- district's zone) of the event, and top-level category (category_top_id).
-- Every event keeps the deltas it added in its data: "counts" for the area
-- chain, "unit" and "unit_counts" for the department.
--
-- When each counter is incremented, on the local day of the event (by 1
-- unless said; "first" = the first time for that request, read from the
-- request row before the event: acknowledged_at, resolved_at, closed_at,
-- extension_days, supervision, overdue_count):
--   received            create (the intake)
--   invalid             invalidate, cancel, merge (needs no handling of its own)
--   dispatched          accept that dispatches by a rule, dispatch, redispatch,
--                       escalate (refuse_return does not: the owner stays)
--   responded           first acknowledge; answer
--   responded_in_time   with responded, when acknowledged by the stage's due_at
--                       (1 working hour from the latest dispatch); answer: always
--   resolved            first resolve; answer
--   closed              first arrival in closed: answer, rate with feedback other
--                       than dissatisfied, close
--   closed_on_time      with closed, when the latest resolution came by
--                       handle_due_at (or there was none: answer)
--   due_to_close        accept, answer (a valid request that must be closed)
--   held_over           approve_extension, the first one of the request
--   rated               rate
--   solved              rate with solved true
--   satisfied,          rate, by its feedback
--   basically_satisfied,
--   dissatisfied
--   rework              rework
--   handle_minutes      with closed: clock minutes from created_at to the closing
--   level_X             with closed: X = handling_level (the owner's level at the
--                       latest resolve: grid, community, street, district, city
--                       for a department; answer: the answering intake's level)
--   supervised          first raise of supervision above 0: supervise, or the
--                       scheduler's "overdue" event (step overdue)
--   overdue             the scheduler's first "overdue" event of the request
--
-- request_unit_rollup, per department: an event's area deltas go also to the
-- department that owns the request after the event; besides, a dispatch to
-- a department (accept by a rule, dispatch, redispatch, escalate) adds
-- received 1 and, unless it is the accept (which counts due_to_close
-- already), due_to_close 1; approve_return of a request the department owned
-- adds invalid 1 to that department (and nothing else).
CREATE TABLE request_rollup (
	area_id INTEGER NOT NULL REFERENCES area (id),
	day TEXT NOT NULL,                   -- YYYY-MM-DD, local
	category_id INTEGER NOT NULL REFERENCES category (id),
	received INTEGER NOT NULL DEFAULT 0,
	invalid INTEGER NOT NULL DEFAULT 0,
	dispatched INTEGER NOT NULL DEFAULT 0,
	responded INTEGER NOT NULL DEFAULT 0,
	responded_in_time INTEGER NOT NULL DEFAULT 0,
	resolved INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0,
	due_to_close INTEGER NOT NULL DEFAULT 0,
	held_over INTEGER NOT NULL DEFAULT 0,
	rated INTEGER NOT NULL DEFAULT 0,
	solved INTEGER NOT NULL DEFAULT 0,
	satisfied INTEGER NOT NULL DEFAULT 0,
	basically_satisfied INTEGER NOT NULL DEFAULT 0,
	dissatisfied INTEGER NOT NULL DEFAULT 0,
	rework INTEGER NOT NULL DEFAULT 0,
	handle_minutes INTEGER NOT NULL DEFAULT 0,
	level_grid INTEGER NOT NULL DEFAULT 0,
	level_community INTEGER NOT NULL DEFAULT 0,
	level_street INTEGER NOT NULL DEFAULT 0,
	level_district INTEGER NOT NULL DEFAULT 0,
	level_city INTEGER NOT NULL DEFAULT 0,
	supervised INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (area_id, day, category_id)
);
CREATE INDEX request_rollup_by_day ON request_rollup (day, area_id);
CREATE TABLE request_unit_rollup (
	unit_id INTEGER NOT NULL REFERENCES unit (id),
	day TEXT NOT NULL,
	category_id INTEGER NOT NULL REFERENCES category (id),
	received INTEGER NOT NULL DEFAULT 0,
	invalid INTEGER NOT NULL DEFAULT 0,
	dispatched INTEGER NOT NULL DEFAULT 0,
	responded INTEGER NOT NULL DEFAULT 0,
	responded_in_time INTEGER NOT NULL DEFAULT 0,
	resolved INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0,
	due_to_close INTEGER NOT NULL DEFAULT 0,
	held_over INTEGER NOT NULL DEFAULT 0,
	rated INTEGER NOT NULL DEFAULT 0,
	solved INTEGER NOT NULL DEFAULT 0,
	satisfied INTEGER NOT NULL DEFAULT 0,
	basically_satisfied INTEGER NOT NULL DEFAULT 0,
	dissatisfied INTEGER NOT NULL DEFAULT 0,
	rework INTEGER NOT NULL DEFAULT 0,
	handle_minutes INTEGER NOT NULL DEFAULT 0,
	level_grid INTEGER NOT NULL DEFAULT 0,
	level_community INTEGER NOT NULL DEFAULT 0,
	level_street INTEGER NOT NULL DEFAULT 0,
	level_district INTEGER NOT NULL DEFAULT 0,
	level_city INTEGER NOT NULL DEFAULT 0,
	supervised INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, day, category_id)
);
CREATE INDEX request_unit_rollup_by_day ON request_unit_rollup (day, unit_id);
