package dev.zeusd.api;

import java.io.IOException;
import java.util.stream.Collectors;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.zeusd.api.response.DeviceErrorsResponse;
import dev.zeusd.api.response.DeviceMaps;
import dev.zeusd.api.response.ErrorResponse;
import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.http.HttpLayerErrors;
import dev.zeusd.device.DeviceException;
import dev.zeusd.service.DeviceFailures;
import io.vertx.core.http.HttpServerRequest;

/** Turns every failure into the JSON shapes of the contract; nothing reaches the client as an HTML page. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response apiError(ApiException e) {
        return error(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response deviceFailures(DeviceFailures e) {
        var errors = DeviceMaps.byId(e.failures(), Throwable::getMessage);
        String timeouts = e.failures().values().stream().filter(f -> f.kind() == DeviceErrorKind.TIMEOUT)
                .map(Throwable::getMessage).collect(Collectors.joining("; "));
        return json(e.worstStatus(), new DeviceErrorsResponse(timeouts.isEmpty() ? null : timeouts, errors));
    }

    @ServerExceptionMapper
    public Response deviceError(DeviceException e) {
        return error(e.kind().httpStatus(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpServerRequest request) {
        return error(404, HttpLayerErrors.noSuchEndpoint(request.method().name(), request.path()));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, HttpServerRequest request) {
        Response response = error(405, "method " + request.method() + " is not allowed on " + request.path());
        String allow = e.getResponse().getHeaderString("Allow");
        return allow == null || allow.isBlank() ? response : Response.fromResponse(response).header("Allow", allow).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return error(e.getResponse().getStatus(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, HttpServerRequest request) {
        if (clientWentAway(e, request)) {
            // a stream client that disconnected (broken pipe, reset): routine, and the client chooses how often
            LOG.debugf("Client went away during %s %s: %s", request.method(), request.path(), e);
            return error(500, "client went away");
        }
        LOG.errorf(e, "Internal error on %s %s", request.method(), request.path());
        return error(500, "internal error: " + e.getClass().getSimpleName());
    }

    /** Writing to a connection the peer closed fails with an IOException (or Netty's closed-channel one). */
    static boolean clientWentAway(Throwable e, HttpServerRequest request) {
        if (request.response().closed()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static Response error(int status, String message) {
        return json(status, new ErrorResponse(message));
    }

    private static Response json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
