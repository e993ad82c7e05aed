package io.notiflow.core.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;

/** JSON encoding of {@link DeliveryJob}, in one place so producers and consumers agree. */
@ApplicationScoped
public class JobCodec {

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
}
