package io.notiflow.core.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.Map;

/** JSON encoding of {@link DeliveryJob}, in one place so producers and consumers agree. */
@ApplicationScoped
public class JobCodec {

    private static final TypeReference<Map<String, String>> DATA = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    public JobCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] encode(DeliveryJob job) {
        try {
            return mapper.writeValueAsBytes(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode job " + job.notificationId(), e);
        }
    }

    public DeliveryJob decode(byte[] body) throws IOException {
        DeliveryJob job = mapper.readValue(body, DeliveryJob.class);
        if (job.notificationId() == null || job.channel() == null) {
            throw new IOException("job has no notificationId or channel");
        }
        return job;
    }

    /** A job's {@code data} as {@code notifications.data} stores it (JSON text; null stays null). */
    public Map<String, String> decodeData(String column) {
        if (column == null) {
            return null;
        }
        try {
            return mapper.readValue(column, DATA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("notifications.data is not a string map: " + e.getOriginalMessage(), e);
        }
    }
}
