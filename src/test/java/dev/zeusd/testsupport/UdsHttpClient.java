package dev.zeusd.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny HTTP/1.1 client over a Unix domain socket (or TCP, for requests no well-behaved client would send): one
 * request per connection, sent byte for byte as given, read to EOF.
 */
public final class UdsHttpClient {
    private final SocketAddress address;
    private final ProtocolFamily family;

    public UdsHttpClient(Path socket) {
        this(UnixDomainSocketAddress.of(socket), StandardProtocolFamily.UNIX);
    }

    private UdsHttpClient(SocketAddress address, ProtocolFamily family) {
        this.address = address;
        this.family = family;
    }

    public static UdsHttpClient tcp(int port) {
        return new UdsHttpClient(new InetSocketAddress("127.0.0.1", port), StandardProtocolFamily.INET);
    }

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public Response get(String pathAndQuery) throws IOException {
        return send("GET", pathAndQuery);
    }

    public Response post(String pathAndQuery) throws IOException {
        return send("POST", pathAndQuery);
    }

    public Response send(String method, String pathAndQuery) throws IOException {
        try (SocketChannel channel = SocketChannel.open(family)) {
            channel.connect(address);
            String request = method + " " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                raw.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return parse(raw.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Sends bytes that need not be HTTP at all and returns whatever comes back before the server closes the
     * connection ("" if it closes without answering). TCP only. A read that stays silent for {@code silenceLimitMs}
     * fails.
     */
    public String exchange(byte[] request, int silenceLimitMs) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(address);
            socket.setSoTimeout(silenceLimitMs);
            socket.getOutputStream().write(request);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return ""; // closed while unread request bytes were pending: a close, not an answer
            }
            throw e;
        }
    }

    public static Response parse(String raw) {
        int headerEnd = raw.indexOf("\r\n\r\n");
        String[] lines = raw.substring(0, headerEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers, raw.substring(headerEnd + 4));
    }
}
