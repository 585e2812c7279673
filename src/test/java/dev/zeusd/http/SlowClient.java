package dev.zeusd.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A client that sends its request one byte at a time (TCP or a Unix socket) and notes when the server hangs up. */
final class SlowClient {
    private SlowClient() {
    }

    /** What came back before the server closed the connection, and when it closed (from the connect). */
    record Result(String answer, long closedAfterMs) {
        /** The last response in the answer. */
        String lastResponse() {
            int last = answer.lastIndexOf("HTTP/1.1 ");
            return last < 0 ? answer : answer.substring(last);
        }
    }

    /**
     * Sends {@code prelude} at once (a whole request, say) and gives the server a moment to answer it, then writes
     * {@code bytes} one every {@code intervalMs} while reading; stops writing once the server closes. The time is
     * counted from the first trickled byte. Fails with a TimeoutException if the server has not closed
     * {@code giveUpMs} after that.
     */
    static Result trickle(SocketAddress address, byte[] prelude, byte[] bytes, long intervalMs, long giveUpMs)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        try (SocketChannel channel = SocketChannel.open(address)) {
            if (prelude.length > 0) {
                channel.write(ByteBuffer.wrap(prelude));
                Thread.sleep(300);
            }
            long start = System.nanoTime();
            CompletableFuture<Result> reader = CompletableFuture.supplyAsync(() -> readToEnd(channel, start));
            for (byte b : bytes) {
                try {
                    channel.write(ByteBuffer.wrap(new byte[] { b }));
                } catch (IOException closed) {
                    break;
                }
                try {
                    return reader.get(intervalMs, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillOpen) {
                    // next byte
                }
            }
            long left = giveUpMs - (System.nanoTime() - start) / 1_000_000;
            return reader.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
        }
    }

    private static Result readToEnd(SocketChannel channel, long start) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
        return new Result(answer.toString(StandardCharsets.ISO_8859_1), (System.nanoTime() - start) / 1_000_000);
    }
}
