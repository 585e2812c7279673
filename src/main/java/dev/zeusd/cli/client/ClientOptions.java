package dev.zeusd.cli.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: where the daemon is, the token, the output form, and one request with the exit
 * codes of the client: 0 done, 1 the daemon refused or failed (its sentence on stderr), 3 nothing answers.
 */
public final class ClientOptions {
    public static final int EXIT_REFUSED = 1;
    public static final int EXIT_UNREACHABLE = 3;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "<PATH>", scope = ScopeType.INHERIT,
            description = "The daemon's Unix socket (default: $ZEUSD_SOCK_PATH, else $ZEUSD_HOST_PORT, else "
                    + "/run/zeusd/zeusd.sock)")
    Path socket;

    @Option(names = "--host-port", paramLabel = "<HOST:PORT>", scope = ScopeType.INHERIT,
            description = "The daemon's TCP address instead of a socket")
    String hostPort;

    @Option(names = "--token-file", paramLabel = "<FILE>", scope = ScopeType.INHERIT,
            description = "File holding the token (default: $ZEUSD_TOKEN); never put a token on the command line")
    Path tokenFile;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the daemon's JSON unchanged")
    boolean json;

    /** The body of the last answer, for --json. */
    private String lastBody = "";

    /** A request failed in a way the command reports with its exit code; the message is already on stderr. */
    public static final class Failed extends RuntimeException {
        public final int exitCode;

        Failed(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** With --json the daemon's last answer as it came, byte for byte; else what {@code table} prints. */
    int print(JsonNode body, Runnable table) {
        if (json) {
            out().println(lastBody.strip());
        } else {
            table.run();
        }
        out().flush();
        return 0;
    }

    /**
     * Sends the request and returns the daemon's JSON body (null when it is empty).
     *
     * @throws Failed after writing the daemon's error sentence, or where it looked, on stderr
     */
    JsonNode call(String method, String pathAndQuery) {
        DaemonClient.Response response;
        try {
            response = client().send(method, pathAndQuery);
        } catch (DaemonClient.DaemonUnreachable e) {
            throw fail(EXIT_UNREACHABLE, e.getMessage());
        }
        lastBody = response.body();
        JsonNode body = parse(response.body());
        if (response.status() / 100 != 2) {
            throw fail(EXIT_REFUSED, errorSentence(response.status(), body));
        }
        return body;
    }

    /** A client of the daemon this command talks to, with its token. */
    DaemonClient client() {
        return new DaemonClient(DaemonAddress.resolve(socket, hostPort, System.getenv()), token());
    }

    /** The daemon's own words: {@code error}, else each device's error of {@code errors}. */
    private static String errorSentence(int status, JsonNode body) {
        if (body != null && body.hasNonNull("error")) {
            return body.get("error").asText();
        }
        if (body != null && body.has("errors")) {
            StringBuilder all = new StringBuilder();
            body.get("errors").fields().forEachRemaining(e -> all.append(all.length() == 0 ? "" : "; ")
                    .append(e.getValue().asText()));
            return all.toString();
        }
        return "the daemon answered " + status;
    }

    Failed fail(int exitCode, String sentence) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("zeusd: " + sentence);
        err.flush();
        return new Failed(exitCode);
    }

    private Optional<String> token() {
        if (tokenFile != null) {
            try {
                return Optional.of(Files.readString(tokenFile).trim());
            } catch (IOException e) {
                throw fail(EXIT_REFUSED, "cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        Map<String, String> environment = System.getenv();
        String token = environment.get("ZEUSD_TOKEN");
        return token == null || token.isBlank() ? Optional.empty() : Optional.of(token.trim());
    }

    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            return JsonTree.parse(body);
        } catch (IOException e) {
            return null;
        }
    }
}
