/**
 * The transport guard: what the HTTP listeners do before and around a request reaches a resource. Every error the
 * HTTP layer produces is JSON ({@link dev.zeusd.http.HttpLayerErrors}, {@link dev.zeusd.http.RequestHeadCheck}); a
 * request must arrive whole within a deadline ({@link dev.zeusd.http.RequestDeadline}), a connection idle between
 * requests is closed ({@link dev.zeusd.http.IdleTimeoutBetweenRequests}); only HTTP/1.x is served
 * ({@link dev.zeusd.http.Http1Only}); refusals are counted ({@link dev.zeusd.http.MalformedRequests}). Small helpers
 * serve the rest of the daemon: the Unix-socket peer ({@link dev.zeusd.http.UnixPeer}) and the current event loop
 * ({@link dev.zeusd.http.EventLoops}).
 *
 * <p>
 * Quarkus exposes neither Vert.x's {@code HttpServer} nor its connections, and Vert.x decides many of these answers
 * inside its Netty pipeline before any route runs, so this package reaches the listening Netty channels
 * ({@link dev.zeusd.http.AcceptedConnections}, one reflected Vert.x field) and adds handlers there. It is the only
 * package that imports Netty or Vert.x implementation classes; if an upgrade breaks what it relies on, it logs one
 * ERROR line at startup and the daemon serves with Quarkus' plain idle timeout.
 */
package dev.zeusd.http;
