-- Possible duplicates at intake compare the text with each open request of
-- the same category from the last days (store/requests.c): this index holds
-- only the open ones, so the candidates stay a handful on a million requests.
-- The state list is the query's own, word for word (a partial index serves
-- only a query whose condition implies its own).
CREATE INDEX request_open_by_category ON request (category_id, created_at)
	WHERE state IN ('registered', 'waiting_dispatch', 'dispatched', 'return_requested', 'handling',
	                'waiting_reporter', 'extension_requested', 'handled', 'waiting_feedback', 'dissatisfied');
