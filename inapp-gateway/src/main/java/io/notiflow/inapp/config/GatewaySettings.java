package io.notiflow.inapp.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** inapp-gateway tuning (INAPP_BACKLOG_LIMIT, INAPP_OUTBOUND_BUFFER, ...). */
@ConfigMapping(prefix = "inapp")
public interface GatewaySettings {

    /** Unread notifications sent to a socket when it connects, newest first. */
    @WithDefault("50")
    int backlogLimit();

    /**
     * Frames a connection may have written but not yet flushed to the client. A client that falls this far
     * behind is disconnected instead of letting its frames pile up in memory.
     */
    @WithDefault("256")
    int outboundBuffer();

    /** Default and largest page of GET /api/inbox. */
    @WithDefault("20")
    int defaultPageSize();

    @WithDefault("100")
    int maxPageSize();
}
