package dev.zeusd.cli.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code zeusd top}: a live view over the daemon's power streams. In a terminal it redraws in place (JLine sizes it,
 * switches raw mode and the alternate screen, and puts the terminal back on {@code q} or Ctrl-C); without one it
 * prints the devices as plain lines once per interval, for logs.
 */
@Command(name = "top", description = "A live view of GPU and CPU power (q or Ctrl-C quits)",
        mixinStandardHelpOptions = true)
public class TopCommand implements Callable<Integer> {
    /** At most four frames a second. */
    private static final long FRAME_MS = 250;
    private static final long LIMITS_EVERY_MS = 5_000;

    @Mixin
    ClientOptions client;

    @Option(names = "--interval", paramLabel = "<SECONDS>",
            description = "Without a terminal: seconds between two prints of every device (default 1)")
    double interval = 1;

    private final CountDownLatch quit = new CountDownLatch(1);
    /** Set by a stream that failed: the view stops and exits with it. */
    private volatile int failure;

    @Override
    public Integer call() throws Exception {
        JsonNode discover = client.call("GET", "/discover");
        PowerBoard board = new PowerBoard(discover);
        List<String> groups = new java.util.ArrayList<>();
        discover.get("enabled_api_groups").forEach(group -> groups.add(group.asText()));
        if (groups.contains("gpu-read")) {
            board.limits(client.call("GET", "/gpu/get_power_limit"));
            follow("/gpu/stream_power", board::gpuEvent);
        }
        if (groups.contains("cpu-read")) {
            follow("/cpu/stream_power", board::cpuEvent);
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            if (System.console() == null || Terminal.TYPE_DUMB.equals(terminal.getType())
                    || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                plain(board, groups);
            } else {
                live(terminal, board, groups);
            }
        }
        return failure;
    }

    /** A thread that reads one stream for as long as the view runs. */
    private void follow(String path, Consumer<JsonNode> onEvent) {
        Thread reader = new Thread(() -> {
            try {
                int status = client.client().stream(path, data -> {
                    try {
                        onEvent.accept(JsonTree.parse(data));
                    } catch (IOException e) {
                        // not JSON: skip the event
                    }
                });
                if (status != 200) {
                    stop(ClientOptions.EXIT_REFUSED, path + ": the daemon answered " + status);
                }
            } catch (RuntimeException e) {
                stop(ClientOptions.EXIT_UNREACHABLE, String.valueOf(e.getMessage()));
            }
        }, "zeusd-top" + path.replace('/', '-'));
        reader.setDaemon(true);
        reader.start();
    }

    private void stop(int exitCode, String sentence) {
        failure = exitCode;
        quit.countDown();
        client.fail(exitCode, sentence);
    }

    private void plain(PowerBoard board, List<String> groups) throws InterruptedException {
        PrintWriter out = client.out();
        long period = Math.max(100, Math.round(interval * 1000));
        long lastLimits = System.currentTimeMillis();
        while (!quit.await(period, TimeUnit.MILLISECONDS)) {
            lastLimits = refreshLimits(board, groups, lastLimits);
            long now = System.currentTimeMillis();
            String time = Instant.ofEpochMilli(now).toString();
            board.plainLines(now).forEach(line -> out.println(time + " " + line));
            out.flush();
        }
    }

    private void live(Terminal terminal, PowerBoard board, List<String> groups) throws InterruptedException {
        Attributes saved = terminal.enterRawMode();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> quit.countDown());
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        Thread keys = new Thread(() -> readKeys(terminal.reader()), "zeusd-top-keys");
        keys.setDaemon(true);
        keys.start();
        try {
            long lastLimits = System.currentTimeMillis();
            do {
                lastLimits = refreshLimits(board, groups, lastLimits);
                draw(terminal, board);
            } while (!quit.await(FRAME_MS, TimeUnit.MILLISECONDS));
        } finally {
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(saved);
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    private void readKeys(NonBlockingReader reader) {
        try {
            for (int key = reader.read(); key >= 0; key = reader.read()) {
                if (key == 'q' || key == 'Q' || key == 3) { // 3: Ctrl-C where the terminal sends it as a key
                    break;
                }
            }
        } catch (IOException e) {
            // the terminal went away: stop as for q
        }
        quit.countDown();
    }

    private static void draw(Terminal terminal, PowerBoard board) {
        // a terminal that reports no size (a pty nobody sized) gets the classic 80x24
        int width = terminal.getWidth() > 0 ? Math.max(40, terminal.getWidth()) : 80;
        int height = terminal.getHeight() > 0 ? Math.max(3, terminal.getHeight()) : 24;
        terminal.puts(Capability.clear_screen);
        PrintWriter out = terminal.writer();
        out.print("zeusd top  " + Instant.now().toString().substring(11, 19) + "  (q quits)\r\n");
        List<String> lines = board.lines(width, System.currentTimeMillis());
        lines.stream().limit(height - 2L).forEach(line -> out.print(line + "\r\n"));
        out.flush();
    }

    private long refreshLimits(PowerBoard board, List<String> groups, long lastLimits) {
        long now = System.currentTimeMillis();
        if (!groups.contains("gpu-read") || now - lastLimits < LIMITS_EVERY_MS) {
            return lastLimits;
        }
        try {
            board.limits(client.call("GET", "/gpu/get_power_limit"));
        } catch (ClientOptions.Failed e) {
            // shown again next time; the streams go on
        }
        return now;
    }
}
