package dev.zeusd.testsupport;

import java.net.MalformedURLException;
import java.net.URL;

import org.eclipse.microprofile.config.ConfigProvider;

/** URLs on the management interface in tests (bound to 127.0.0.1, where "localhost" may resolve to ::1). */
public final class Management {
    private Management() {
    }

    public static URL url(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        try {
            return new URL("http://127.0.0.1:" + port + path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
