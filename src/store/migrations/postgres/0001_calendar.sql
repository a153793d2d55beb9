-- The working calendar: only days that differ from the default (Mon–Fri
-- workday, Sat/Sun weekend) or that carry a name are stored.
CREATE TABLE calendar_day (
	date TEXT PRIMARY KEY,          -- YYYY-MM-DD, local date of the district
	kind TEXT NOT NULL CHECK (kind IN ('workday', 'weekend', 'holiday', 'adjusted_workday')),
	name TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL        -- UTC, ISO 8601
);
