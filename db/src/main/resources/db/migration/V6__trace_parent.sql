-- The W3C traceparent of the HTTP request that accepted a notification. The outbox relay publishes the row later on
-- its own thread and continues that trace, so one trace runs from the request through the broker to the worker.
ALTER TABLE notifications ADD COLUMN trace_parent varchar(64);
