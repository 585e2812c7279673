package dev.zeusd.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 request to the daemon per call, over its Unix socket or TCP, read to the end of the response.
 *
 * <p>
 * Written here rather than taken from a library: the JDK's HttpClient has no Unix-socket transport, and Vert.x's client
 * (which has one) would boot an event loop and Netty's native transport for a command that must start and exit within
 * a few hundred milliseconds. The daemon's responses are small JSON bodies with a Content-Length, or chunked.
 */
final class DaemonClient {
    private final DaemonAddress address;
    private final Optional<String> token;

    DaemonClient(DaemonAddress address, Optional<String> token) {
        this.address = address;
        this.token = token;
    }

    record Response(int status, String body) {
    }

    /**
     * @throws DaemonUnreachable if nothing answers at the address
     */
    Response send(String method, String pathAndQuery) {
        try (SocketChannel channel = connect(method, pathAndQuery, "Content-Length: 0\r\nConnection: close")) {
            return parse(readAll(channel));
        } catch (IOException e) {
            throw new DaemonUnreachable(address, e);
        }
    }

    /** A connection to the daemon with the request written: {@code extraHeaders} without the final line break. */
    private SocketChannel connect(String method, String pathAndQuery, String extraHeaders) throws IOException {
        SocketAddress target = target();
        SocketChannel channel = SocketChannel.open(family(target));
        try {
            channel.connect(target);
            StringBuilder request = new StringBuilder().append(method).append(' ').append(pathAndQuery)
                    .append(" HTTP/1.1\r\nHost: zeusd\r\n").append(extraHeaders).append("\r\n");
            token.ifPresent(t -> request.append("Authorization: Bearer ").append(t).append("\r\n"));
            channel.write(ByteBuffer.wrap(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII)));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens a Server-Sent-Event stream and hands each event's {@code data:} text to {@code onEvent} until the daemon
     * closes it or the thread is interrupted; on the calling thread.
     *
     * @return the status, if the daemon refused the stream (the body is not read)
     */
    int stream(String pathAndQuery, java.util.function.Consumer<String> onEvent) {
        try (SocketChannel channel = connect("GET", pathAndQuery, "Accept: text/event-stream")) {
            java.io.InputStream in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(channel));
            String status = readLine(in);
            int code = Integer.parseInt(status.split(" ")[1]);
            boolean chunked = false;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                String lower = line.toLowerCase(Locale.ROOT);
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            if (code != 200) {
                return code;
            }
            StringBuilder pending = new StringBuilder();
            while (!Thread.currentThread().isInterrupted()) {
                String chunk = chunked ? readChunk(in) : readSome(in);
                if (chunk == null) {
                    break;
                }
                pending.append(chunk);
                for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
                    String event = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    event.lines().filter(line -> line.startsWith("data: "))
                            .forEach(line -> onEvent.accept(line.substring("data: ".length())));
                }
            }
            return 200;
        } catch (IOException e) {
            throw new DaemonUnreachable(address, e);
        }
    }

    private SocketAddress target() {
        return address.socket().<SocketAddress>map(UnixDomainSocketAddress::of)
                .orElseGet(() -> new InetSocketAddress(address.hostPort().get().host(), address.hostPort().get().port()));
    }

    private static java.net.ProtocolFamily family(SocketAddress target) {
        if (target instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        return ((InetSocketAddress) target).getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.US_ASCII);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new IOException("the daemon closed the connection");
    }

    /** What the stream has now (at least a byte), or null at its end. */
    private static String readSome(java.io.InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int read = in.read(buffer);
        return read < 0 ? null : new String(buffer, 0, read, StandardCharsets.UTF_8);
    }

    /** One chunk of a chunked body, or null at its end. */
    private static String readChunk(java.io.InputStream in) throws IOException {
        int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
        if (size == 0) {
            return null;
        }
        String chunk = new String(in.readNBytes(size), StandardCharsets.UTF_8);
        readLine(in);
        return chunk;
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            raw.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        return raw.toByteArray();
    }

    static Response parse(byte[] raw) throws IOException {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        String head = headEnd < 0 ? "" : new String(raw, 0, headEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.")) {
            throw new IOException("the answer is not HTTP");
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].toLowerCase(Locale.ROOT);
            chunked |= line.startsWith("transfer-encoding:") && line.contains("chunked");
        }
        int bodyStart = headEnd + 4;
        byte[] body = chunked ? dechunk(raw, bodyStart) : java.util.Arrays.copyOfRange(raw, bodyStart, raw.length);
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw, int at) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        while (at < raw.length) {
            int lineEnd = indexOf(raw, crlf, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(raw, lineEnd + 2, Math.min(size, raw.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] part, int from) {
        outer:
        for (int i = from; i <= data.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Nothing answers where the client looked; {@link #getMessage()} says where and how to look elsewhere. */
    static final class DaemonUnreachable extends RuntimeException {
        DaemonUnreachable(DaemonAddress address, IOException cause) {
            super("no zeusd answers at " + address.describe() + " (" + cause.getMessage() + "); point to it with "
                    + "--socket PATH or ZEUSD_SOCK_PATH, or --host-port HOST:PORT or ZEUSD_HOST_PORT", cause);
        }
    }
}
