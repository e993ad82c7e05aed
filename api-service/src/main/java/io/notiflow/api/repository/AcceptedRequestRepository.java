package io.notiflow.api.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and purges {@code accepted_requests} (core.store.AcceptStore claims the keys, inside its group commit). A key is
 * scoped by the SHA-256 of its API key; rows from before that scoping have {@code ''} there and answer any API key
 * until they expire. A row older than the idempotency window is never honoured, purged or not.
 */
@ApplicationScoped
public class AcceptedRequestRepository {

    private static final TypeReference<Map<String, Object>> ANSWER = new TypeReference<>() {
    };

    private final DataSource database;
    private final ObjectMapper json;

    public AcceptedRequestRepository(DataSource database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** The live answer kept for {@code requestId} under this API key, written after {@code notBefore}. */
    public Optional<AcceptedRequest> find(String apiKeySha256, String requestId, OffsetDateTime notBefore)
            throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("select request_sha256, response::text"
                     + " from accepted_requests where request_id = ? and api_key_sha256 in (?, '')"
                     + " and created_at > ? order by api_key_sha256 desc limit 1")) {
            select.setString(1, requestId);
            select.setString(2, apiKeySha256);
            select.setObject(3, notBefore);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new AcceptedRequest(row.getString(1), answer(row.getString(2))))
                        : Optional.empty();
            }
        }
    }

    /**
     * Deletes up to {@code batch} rows written before {@code cutoff}, oldest first, in one short transaction;
     * returns how many.
     */
    public int purge(OffsetDateTime cutoff, int batch) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement delete = c.prepareStatement("delete from accepted_requests where ctid in"
                     + " (select ctid from accepted_requests where created_at <= ? order by created_at limit ?)")) {
            delete.setObject(1, cutoff);
            delete.setInt(2, batch);
            return delete.executeUpdate();
        }
    }

    public Map<String, Object> answer(String stored) {
        try {
            return json.readValue(stored, ANSWER);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("accepted_requests holds an answer that is not JSON", e);
        }
    }
}
