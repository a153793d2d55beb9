-- The registers: the area tree with its history and boundaries, the people
-- in charge of each node, units and pairings, party organisations and
-- members, households and people. Codes follow shared/DOMAIN.md.
CREATE TABLE area (
	id INTEGER PRIMARY KEY,         -- immutable: figures and history hang on it
	parent_id INTEGER REFERENCES area (id) DEFERRABLE INITIALLY DEFERRED, -- copies may meet a moved child first
	level TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid', 'compound',
	                                     'building', 'entrance')),
	kind TEXT NOT NULL DEFAULT '',  -- grid: basic | dedicated
	code TEXT NOT NULL UNIQUE,      -- the parent's code + this level's segment: the materialised path
	name TEXT NOT NULL,
	valid_from TEXT NOT NULL,       -- YYYY-MM-DD
	valid_to TEXT,                  -- closed on this day; codes are never reused
	boundary TEXT,                  -- GeoJSON geometry, WGS-84
	lng REAL,                       -- a label point, WGS-84
	lat REAL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX area_children ON area (parent_id, code);
CREATE INDEX area_name ON area (name);
CREATE TABLE area_history (
	id INTEGER PRIMARY KEY,
	area_id INTEGER NOT NULL REFERENCES area (id),
	action TEXT NOT NULL,           -- create, rename, close, move, boundary
	at TEXT NOT NULL,
	user_id INTEGER,
	old_code TEXT NOT NULL DEFAULT '',
	new_code TEXT NOT NULL DEFAULT '',
	old_parent_id INTEGER,
	new_parent_id INTEGER,
	old_name TEXT NOT NULL DEFAULT '',
	new_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX area_history_by_area ON area_history (area_id, id);
CREATE INDEX area_history_by_code ON area_history (old_code);
CREATE TABLE area_responsible (
	id INTEGER PRIMARY KEY,
	area_id INTEGER NOT NULL REFERENCES area (id),
	role TEXT NOT NULL CHECK (role IN ('secretary', 'director', 'grid_leader', 'grid_worker',
	                                   'compound_head', 'building_head', 'entrance_head',
	                                   'police', 'property_manager')),
	name TEXT NOT NULL,
	phone_enc TEXT,
	phone_hash TEXT,
	phone_masked TEXT NOT NULL DEFAULT '',
	user_id INTEGER REFERENCES app_user (id),
	created_at TEXT NOT NULL
);
CREATE INDEX area_responsible_by_area ON area_responsible (area_id);

CREATE TABLE unit (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('agency', 'enterprise', 'social_org', 'property_company',
	                                   'owners_committee', 'department')),
	name TEXT NOT NULL,
	credit_code TEXT NOT NULL DEFAULT '',   -- 统一社会信用代码, 18 characters
	area_id INTEGER NOT NULL REFERENCES area (id),
	area_code TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (area_id, name)
);
CREATE INDEX unit_by_area ON unit (area_code, id);
CREATE INDEX unit_by_kind ON unit (kind, area_code);
CREATE TABLE unit_contact (
	id INTEGER PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	phone_enc TEXT,
	phone_hash TEXT,
	phone_masked TEXT NOT NULL DEFAULT ''
);
CREATE INDEX unit_contact_by_unit ON unit_contact (unit_id);
CREATE TABLE department_area (
	unit_id INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
	area_id INTEGER NOT NULL REFERENCES area (id),
	PRIMARY KEY (unit_id, area_id)
);
CREATE INDEX department_area_by_area ON department_area (area_id);
CREATE TABLE pairing (
	id INTEGER PRIMARY KEY,
	unit_id INTEGER NOT NULL REFERENCES unit (id),
	community_id INTEGER NOT NULL REFERENCES area (id),
	community_code TEXT NOT NULL,
	starts_on TEXT NOT NULL,
	ends_on TEXT,
	content TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX pairing_by_community ON pairing (community_code, id);
CREATE INDEX pairing_by_unit ON pairing (unit_id);
CREATE TABLE joint_committee_member (
	id INTEGER PRIMARY KEY,
	community_id INTEGER NOT NULL REFERENCES area (id),
	unit_id INTEGER NOT NULL REFERENCES unit (id),
	name TEXT NOT NULL,
	post TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX joint_committee_by_community ON joint_committee_member (community_id);

CREATE TABLE party_org (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES party_org (id) DEFERRABLE INITIALLY DEFERRED,
	kind TEXT NOT NULL CHECK (kind IN ('working_committee', 'committee', 'general_branch', 'branch',
	                                   'group')),
	name TEXT NOT NULL,
	path TEXT NOT NULL,             -- '/1/4/9/': ancestors' ids, for subtree scans
	area_id INTEGER NOT NULL REFERENCES area (id),
	area_code TEXT NOT NULL,
	unit_id INTEGER REFERENCES unit (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX party_org_children ON party_org (parent_id, id);
CREATE INDEX party_org_by_area ON party_org (area_code, id);
CREATE INDEX party_org_path ON party_org (path);
CREATE TABLE party_member (
	id INTEGER PRIMARY KEY,
	person_id INTEGER,
	name TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	phone_enc TEXT,
	phone_hash TEXT,
	phone_masked TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('full', 'probationary')),
	org_id INTEGER NOT NULL REFERENCES party_org (id),
	work_unit_id INTEGER REFERENCES unit (id),  -- in service: where they work
	community_id INTEGER REFERENCES area (id),  -- where they live
	area_code TEXT NOT NULL,        -- the home community's code, else the organisation's
	joined_on TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX party_member_by_org ON party_member (org_id, id);
CREATE INDEX party_member_by_area ON party_member (area_code, id);
CREATE TABLE report_in (
	id INTEGER PRIMARY KEY,
	member_id INTEGER REFERENCES party_member (id),
	org_id INTEGER REFERENCES party_org (id),
	community_id INTEGER NOT NULL REFERENCES area (id),
	community_code TEXT NOT NULL,
	reported_on TEXT NOT NULL,
	ended_on TEXT,
	created_at TEXT NOT NULL,
	CHECK ((member_id IS NULL) <> (org_id IS NULL))
);
CREATE INDEX report_in_by_community ON report_in (community_code, id);
CREATE INDEX report_in_by_member ON report_in (member_id);
CREATE INDEX report_in_by_org ON report_in (org_id);
CREATE TABLE six_ones (
	member_id INTEGER NOT NULL REFERENCES party_member (id),
	year INTEGER NOT NULL,
	item TEXT NOT NULL CHECK (item IN ('meeting', 'discussion', 'survey', 'wish', 'volunteer',
	                                   'pairing')),
	done_on TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (member_id, year, item)
);

CREATE TABLE household (
	id INTEGER PRIMARY KEY,
	area_id INTEGER NOT NULL REFERENCES area (id),  -- a building or an entrance
	area_code TEXT NOT NULL,
	room TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (area_id, room)
);
CREATE INDEX household_by_area ON household (area_code, id);
CREATE TABLE person (
	id INTEGER PRIMARY KEY,
	household_id INTEGER REFERENCES household (id),
	area_id INTEGER NOT NULL REFERENCES area (id),
	area_code TEXT NOT NULL,
	name TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	birth_date TEXT NOT NULL,
	id_number_enc TEXT,
	id_number_hash TEXT UNIQUE,     -- keyed hash: lookup without decrypting
	id_number_masked TEXT NOT NULL DEFAULT '',
	phone_enc TEXT,
	phone_hash TEXT,
	phone_masked TEXT NOT NULL DEFAULT '',
	residence TEXT NOT NULL CHECK (residence IN ('registered', 'floating')),
	relation TEXT NOT NULL DEFAULT 'head' CHECK (relation IN ('head', 'spouse', 'child', 'parent',
	                                   'grandchild', 'grandparent', 'sibling', 'other')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX person_by_area ON person (area_code, id);
CREATE INDEX person_by_household ON person (household_id);
CREATE INDEX person_by_name ON person (name, area_code);
CREATE INDEX person_by_phone ON person (phone_hash);
CREATE TABLE person_tag (
	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
	tag TEXT NOT NULL CHECK (tag IN ('low_income', 'extreme_poverty', 'elderly_80', 'disabled',
	                                 'orphan', 'left_behind_child', 'lone_elderly', 'veteran')),
	PRIMARY KEY (person_id, tag)
);
CREATE INDEX person_tag_by_tag ON person_tag (tag, person_id);
CREATE TABLE center_household (
	id INTEGER PRIMARY KEY,
	member_id INTEGER NOT NULL REFERENCES party_member (id),
	household_id INTEGER NOT NULL UNIQUE REFERENCES household (id),
	area_code TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX center_household_by_area ON center_household (area_code, id);
CREATE TABLE center_household_cover (
	center_id INTEGER NOT NULL REFERENCES center_household (id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL UNIQUE REFERENCES household (id),
	PRIMARY KEY (center_id, household_id)
);
