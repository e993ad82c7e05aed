-- Idempotency keys belong to the API key that sent them: two callers may use the same key without meeting.
-- A row holds the SHA-256 (hex) of the API key, never the key, and the SHA-256 of the request it answered, so the
-- same key with a different request is refused instead of answered with someone else's first answer.
-- Rows written before this had no API key: they get '' (no fingerprint is empty) and no request hash, and keep
-- answering a repeat of their key from any API key until they expire (they were global when they were written).
ALTER TABLE accepted_requests ADD COLUMN api_key_sha256 varchar(64) NOT NULL DEFAULT '';
ALTER TABLE accepted_requests ALTER COLUMN api_key_sha256 DROP DEFAULT;
ALTER TABLE accepted_requests ADD COLUMN request_sha256 varchar(64);
ALTER TABLE accepted_requests DROP CONSTRAINT accepted_requests_pkey;
ALTER TABLE accepted_requests ADD PRIMARY KEY (api_key_sha256, request_id);
-- A key expires after the idempotency window; the purge deletes expired rows oldest first.
CREATE INDEX accepted_requests_created_at_idx ON accepted_requests (created_at);
