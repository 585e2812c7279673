package dev.zeusd.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a Server-Sent-Event stream over raw HTTP/1.1 (TCP or a Unix socket), decoding chunked transfer encoding
 * itself so tests see the exact bytes of the event framing. Closing it drops the connection abruptly.
 */
public final class SseClient implements AutoCloseable {
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final String head;
    private int consumedEvents;

    private SseClient(SocketChannel channel, String pathAndQuery) throws IOException {
        this.channel = channel;
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n";
        channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        buffer.flip();
        this.head = readHead();
    }

    public static SseClient tcp(int port, String pathAndQuery) throws IOException {
        return open(new InetSocketAddress("127.0.0.1", port), StandardProtocolFamily.INET, pathAndQuery);
    }

    public static SseClient unix(java.nio.file.Path socket, String pathAndQuery) throws IOException {
        return open(UnixDomainSocketAddress.of(socket), StandardProtocolFamily.UNIX, pathAndQuery);
    }

    private static SseClient open(SocketAddress address, StandardProtocolFamily family, String path)
            throws IOException {
        SocketChannel channel = SocketChannel.open(family);
        channel.connect(address);
        return new SseClient(channel, path);
    }

    /** Status line and headers, lower-cased names, CRLF-separated. */
    public String head() {
        return head;
    }

    public int status() {
        return Integer.parseInt(head.split(" ")[1]);
    }

    public String header(String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(
                    Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Reads until {@code count} more complete events (terminated by a blank line) have arrived; returns them. */
    public List<String> nextEvents(int count) throws IOException {
        List<String> events = new ArrayList<>();
        while (events.size() < count) {
            String text = body.toString(StandardCharsets.UTF_8);
            String[] complete = text.split("\n\n", -1);
            // the last piece is an incomplete event (or empty)
            if (complete.length - 1 > consumedEvents) {
                events.add(complete[consumedEvents] + "\n\n");
                consumedEvents++;
                continue;
            }
            readChunk();
        }
        return events;
    }

    /** Every decoded body byte so far. */
    public String bodySoFar() {
        return body.toString(StandardCharsets.UTF_8);
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) nextByte());
        }
        return head.substring(0, head.length() - 4);
    }

    private void readChunk() throws IOException {
        String sizeLine = readLine();
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
            throw new IOException("stream ended");
        }
        for (int i = 0; i < size; i++) {
            body.write(nextByte());
        }
        readLine(); // CRLF after the chunk
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            line.append((char) nextByte());
        }
        return line.substring(0, line.length() - 2);
    }

    private int nextByte() throws IOException {
        while (!buffer.hasRemaining()) {
            buffer.clear();
            if (channel.read(buffer) < 0) {
                throw new IOException("connection closed");
            }
            buffer.flip();
        }
        return buffer.get() & 0xFF;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
