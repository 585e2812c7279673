package dev.zeusd.cli;

import java.io.PrintStream;

import dev.zeusd.StartupException;
import io.quarkus.bootstrap.runner.RunnerClassLoader;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import sun.misc.Signal;

/** Boots Quarkus for {@code serve}, blocks until it stops, and turns a failed start into one sentence. */
final class QuarkusLauncher {
    private QuarkusLauncher() {
    }

    static int serve() {
        // Our exit handler reports startup failures; Quarkus's own report would add a stack trace.
        System.setProperty("quarkus.log.category.\"io.quarkus.runtime.ApplicationLifecycleManager\".level", "OFF");
        int[] exitCode = { ZeusdCommandLine.EXIT_OK };
        exitZeroOnSigterm();
        Quarkus.run(Daemon.class, (code, failure) -> {
            exitCode[0] = code;
            if (failure != null) {
                exitCode[0] = ZeusdCommandLine.EXIT_FAILURE;
                report(failure, System.err);
            }
        });
        return exitCode[0];
    }

    /**
     * systemd and Kubernetes stop the daemon with SIGTERM. Left to the JVM, SIGTERM runs the shutdown hooks and
     * ends with status 143, which systemd counts as a failure; as a request to stop, Quarkus shuts down exactly as
     * on its own exit and serve() returns 0. A SIGTERM during boot is kept and honoured once boot is done.
     */
    private static void exitZeroOnSigterm() {
        try {
            Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(ZeusdCommandLine.EXIT_OK));
        } catch (IllegalArgumentException e) {
            // the JVM reserves SIGTERM (-Xrs): its default handling, and status 143, stay
        }
    }

    static void report(Throwable failure, PrintStream err) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StartupException) {
                err.println("zeusd: " + t.getMessage());
                return;
            }
        }
        if (mentions(failure, "Address already in use")) {
            err.println("zeusd: " + addressInUse(mentions(failure, "management interface")));
            return;
        }
        err.println("zeusd: failed to start: " + failure);
        failure.printStackTrace(err);
    }

    /** Vert.x reports a taken port as a native bind error several causes deep; the listener is named on the way. */
    private static boolean mentions(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String addressInUse(boolean management) {
        String prefix = management ? "quarkus.management." : "quarkus.http.";
        String address = System.getProperty(prefix + "host") + ":" + System.getProperty(prefix + "port");
        String flag = management ? "--management-bind-address HOST:PORT (or off)" : "--tcp-bind-address HOST:PORT";
        return (management ? "the management address " : "the API address ") + address
                + " is already in use (another zeusd running?); stop that process or pass " + flag + ".";
    }

    /** The running daemon: everything happens in CDI beans and HTTP handlers; this only waits. */
    public static class Daemon implements QuarkusApplication {
        @Override
        public int run(String... args) {
            // Quarkus closes the jars its class loader opened while booting only for applications without a main;
            // left open, 90 of them held 1.4 MB of central directories and their inflaters (idle RSS -1.2 MB).
            if (Thread.currentThread().getContextClassLoader() instanceof RunnerClassLoader runner) {
                runner.resetInternalCaches();
            }
            Quarkus.waitForExit();
            return 0;
        }
    }
}
