package dev.zeusd.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client in a process of its own, as a training job would be: {@code ControlClient SOCKET METHOD PATH [hold]} sends
 * one request over the Unix socket, prints the status, and with {@code hold} stays alive until its stdin closes.
 * Needs only the JDK and this package's compiled classes.
 */
public final class ControlClient {
    public static void main(String[] args) throws IOException {
        UdsHttpClient.Response response = new UdsHttpClient(Path.of(args[0])).send(args[1], args[2]);
        System.out.println(response.status());
        System.out.flush();
        if (args.length > 3 && args[3].equals("hold")) {
            while (System.in.read() != -1) {
                // until the test closes our stdin
            }
        }
    }

    /** Starts one in a new JVM and waits until it printed the status of its request, which it returns. */
    public static Started start(Path socket, String method, String pathAndQuery, boolean hold) throws Exception {
        Path classes = Path.of(ControlClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classes.toString(), ControlClient.class.getName(), socket.toString(), method,
                pathAndQuery));
        if (hold) {
            command.add("hold");
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String status = new String(process.getInputStream().readNBytes(4)).trim();
        return new Started(process, status.isEmpty() ? -1 : Integer.parseInt(status));
    }

    public record Started(Process process, int status) {
        /** Closes its stdin so that it exits, and waits for that. */
        public void exit() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the client did not exit");
            }
        }
    }
}
