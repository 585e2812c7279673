package dev.zeusd.api;

import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The stream endpoints declare {@link SseFrames#DECLARED_TYPE} (see there why) but answer text/event-stream, so a
 * client asking for exactly that must still match them: for those two paths only, {@code Accept} is widened before
 * matching.
 */
@Singleton
public class SseAcceptFilter {
    @ServerRequestFilter(preMatching = true, priority = 5)
    public void widenAccept(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if ((path.endsWith("/stream_power") || path.endsWith("/stream_power/"))
                && request.getHeaders().containsKey(HttpHeaders.ACCEPT)) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "*/*");
        }
    }
}
