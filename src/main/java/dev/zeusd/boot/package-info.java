/**
 * The first startup phase: what runs before Quarkus boots, on the plain command-line thread. Reading the settings
 * ({@link dev.zeusd.boot.BootConfig}), checking them and the files they name ({@link dev.zeusd.boot.StartupChecks}),
 * taking the socket path's lock and choosing the listener ({@link dev.zeusd.boot.ListenerProperties}). Every failure is a
 * {@link dev.zeusd.StartupException}: one sentence, then a non-zero exit, before any port or socket is opened. Nothing
 * here is a CDI bean or imports one.
 */
package dev.zeusd.boot;
