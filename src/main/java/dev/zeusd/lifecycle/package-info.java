/**
 * The second startup phase and the running daemon: the CDI beans Quarkus creates once it boots, and the
 * package-private helpers only they call ({@code RealBackends}, {@code GpuBackendSelection}, which run inside the
 * {@link dev.zeusd.lifecycle.DeviceServices} producers). They pick and open the device backends, own the socket file
 * once Vert.x has bound it, warn about exposure, and close everything on shutdown. The checks that can run before
 * Quarkus live in {@link dev.zeusd.boot}.
 */
package dev.zeusd.lifecycle;
