-- The delivery log keeps delivered deliveries webhook_keep_days (the
-- delivery thread deletes older ones an hour at a time): this index holds
-- only them, by when they were delivered, so the purge reads what it deletes.
CREATE INDEX webhook_delivery_done ON webhook_delivery (delivered_at, id) WHERE status = 'delivered';
