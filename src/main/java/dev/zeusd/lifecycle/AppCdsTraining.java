package dev.zeusd.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;
import io.quarkus.vertx.http.DomainSocketServerStart;

/**
 * Only for {@code bin/zeusd-appcds}, which sets {@code -Dzeusd-appcds.training=true}: once the Unix socket listens,
 * the daemon asks itself for what a client asks first, so the AppCDS archive written at exit also holds the classes
 * of the request path (HTTP codec, routing, security, Jackson), not only those of start-up: less CPU from process
 * start to the first answer (docs/performance.md).
 */
@Singleton
public class AppCdsTraining {
    static final String PROPERTY = "zeusd-appcds.training";
    /** The -Xlog:class+load file of this JVM, which bin/zeusd-appcds names. */
    static final String CLASS_LOG_PROPERTY = "zeusd-appcds.class-log";
    /** What bin/zeusd-appcds waits for before it stops the daemon. */
    static final String DONE = "AppCDS training requests done";
    private static final Logger LOG = Logger.getLogger(AppCdsTraining.class);
    private static final List<String> PATHS = List.of("/discover", "/gpu/get_power", "/gpu/get_power_limit",
            "/gpu/get_power_limit_constraints", "/cpu/get_cumulative_energy", "/time", "/no-such-path");

    void onBound(@ObservesAsync DomainSocketServerStart event, ZeusdConfig config) {
        if (!Boolean.getBoolean(PROPERTY) || config.mode() != TransportMode.UDS) {
            return;
        }
        int answered = 0;
        for (String path : PATHS) {
            try {
                if (get(config.socketPath(), path).startsWith("HTTP/1.1 ")) {
                    answered++;
                }
            } catch (IOException e) {
                LOG.warnf("AppCDS training: GET %s failed: %s", path, e.getMessage());
            }
        }
        int linked = linkLoadedClasses(System.getProperty(CLASS_LOG_PROPERTY));
        LOG.infof("%s: %d of %d answered, %d loaded classes linked", DONE, answered, PATHS.size(), linked);
    }

    /**
     * Java 17 archives only linked classes, and the classes that verification loads without linking them (about 800
     * here, a fifth of them Jackson's) were left out: every start read and parsed them from the jars again. Linking
     * each loaded class here (reflection on its constructors links without initialising) puts them in the archive, so
     * a start reads far fewer classes from the jars (docs/performance.md, the footprint table).
     */
    static int linkLoadedClasses(String classLog) {
        if (classLog == null) {
            return 0;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        int linked = 0;
        try {
            for (String line : Files.readAllLines(Path.of(classLog))) {
                String name = loadedClassName(line);
                if (name == null) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader).getDeclaredConstructors();
                    linked++;
                } catch (ReflectiveOperationException | LinkageError e) {
                    LOG.debugf("AppCDS training: %s stays unlinked: %s", name, e);
                }
            }
        } catch (IOException e) {
            LOG.warnf("AppCDS training: cannot read %s: %s", classLog, e.getMessage());
        }
        return linked;
    }

    /** The class a {@code -Xlog:class+load} line names, or null for other lines and for hidden classes. */
    static String loadedClassName(String line) {
        int end = line.indexOf(" source: ");
        int start = end < 0 ? -1 : line.lastIndexOf("] ", end);
        if (start < 0) {
            return null;
        }
        String name = line.substring(start + 2, end);
        return name.indexOf('/') >= 0 ? null : name;
    }

    private static String get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "GET " + path + " HTTP/1.1\r\nHost: zeusd\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return response.toString(StandardCharsets.US_ASCII);
        }
    }
}
