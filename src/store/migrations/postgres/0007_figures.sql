-- The figures' count of flagged requests (a request failing verification
-- three times, DOMAIN.md "Rework"): the roll-up counters count rework
-- events, not requests past a threshold, so GET /figures counts the
-- requests themselves. These partial indexes hold only the flagged rows,
-- so the count reads those and never the area's other requests.
CREATE INDEX request_flagged_by_area ON request (area_code, created_at) WHERE rework_count >= 3;
CREATE INDEX request_flagged_by_unit ON request (owner_unit_id, created_at) WHERE rework_count >= 3;
