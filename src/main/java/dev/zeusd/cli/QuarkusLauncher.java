package dev.zeusd.cli;

import java.io.PrintStream;

import dev.zeusd.device.DeviceUnavailableException;
import dev.zeusd.lifecycle.StartupException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** Boots Quarkus for {@code serve}, blocks until it stops, and turns a failed start into one sentence. */
final class QuarkusLauncher {
    private QuarkusLauncher() {
    }

    static int serve() {
        // Our exit handler reports startup failures; Quarkus's own report would add a stack trace.
        System.setProperty("quarkus.log.category.\"io.quarkus.runtime.ApplicationLifecycleManager\".level", "OFF");
        int[] exitCode = { BaseCommand.EXIT_OK };
        Quarkus.run(Daemon.class, (code, failure) -> {
            exitCode[0] = code;
            if (failure != null) {
                exitCode[0] = BaseCommand.EXIT_FAILURE;
                report(failure, System.err);
            }
        });
        return exitCode[0];
    }

    static void report(Throwable failure, PrintStream err) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StartupException || t instanceof DeviceUnavailableException) {
                err.println("zeusd: " + t.getMessage());
                return;
            }
        }
        err.println("zeusd: failed to start: " + failure);
        failure.printStackTrace(err);
    }

    /** The running daemon: everything happens in CDI beans and HTTP handlers; this only waits. */
    public static class Daemon implements QuarkusApplication {
        @Override
        public int run(String... args) {
            Quarkus.waitForExit();
            return 0;
        }
    }
}
