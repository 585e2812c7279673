package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.testsupport.TestCertificates;
import dev.zeusd.testsupport.TestCertificates.KeyForm;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * HTTPS on the management port with certificates made by openssl: scrapes over HTTPS, plain HTTP refused, client
 * certificates for /q/metrics when a client CA is given (probes without), a renewed certificate served without a
 * restart, and bad files refused at start in one sentence.
 */
class ManagementTlsIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestCertificates certs;
    private final List<ZeusdProcess> daemons = new ArrayList<>();
    private int management;

    @BeforeEach
    void certificates() throws Exception {
        certs = new TestCertificates(dir, "ca");
        certs.issue("ca", "server", KeyForm.PKCS8_EC, false);
    }

    @AfterEach
    void stop() {
        daemons.forEach(ZeusdProcess::close);
    }

    private ZeusdProcess daemon(String... tls) throws Exception {
        management = ZeusdProcess.freeTcpPort();
        List<String> args = new ArrayList<>(List.of("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + ZeusdProcess.freeTcpPort(), "--management-bind-address", "127.0.0.1:" + management));
        args.addAll(List.of(tls));
        ZeusdProcess zeusd = ZeusdProcess.start(args.toArray(String[]::new));
        daemons.add(zeusd);
        return zeusd;
    }

    private String[] serverTls(String... more) {
        List<String> flags = new ArrayList<>(List.of("--management-tls-cert", certs.file("server.crt").toString(),
                "--management-tls-key", certs.file("server.key").toString()));
        flags.addAll(List.of(more));
        return flags.toArray(String[]::new);
    }

    private HttpResponse<String> get(SSLContext tls, String path) throws Exception {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + management + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The certificate the management port presents now. */
    private BigInteger servedSerial(SSLContext tls) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", management)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void scrapesOverHttpsAndPlainHttpIsRefused() throws Exception {
        daemon(serverTls()).awaitStarted(START);
        SSLContext tls = certs.context("ca", null);
        HttpResponse<String> metrics = get(tls, "/q/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("zeusd_gpu_power_watts{"), metrics.body());
        assertEquals(200, get(tls, "/q/health/ready").statusCode());
        String plain = UdsHttpClient.tcp(management).exchange(
                "GET /q/metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 5000);
        assertFalse(plain.startsWith("HTTP/"), "plain HTTP was answered: " + plain);
        // a client that does not trust the CA does not get through
        assertThrows(javax.net.ssl.SSLException.class, () -> get(SSLContext.getDefault(), "/q/metrics"));
    }

    @Test
    void aClientCaRequiresClientCertificatesForMetricsButNotForProbes() throws Exception {
        certs.issue("ca", "prometheus", KeyForm.SEC1_EC, true);
        TestCertificates other = new TestCertificates(Files.createDirectories(dir.resolve("other")), "other-ca");
        other.issue("other-ca", "intruder", KeyForm.PKCS8_EC, true);
        Files.copy(other.file("intruder.p12"), dir.resolve("intruder.p12"));
        daemon(serverTls("--management-tls-client-ca", certs.file("ca.crt").toString())).awaitStarted(START);

        HttpResponse<String> withCert = get(certs.context("ca", "prometheus"), "/q/metrics");
        assertEquals(200, withCert.statusCode());
        assertTrue(withCert.body().contains("zeusd_gpu_power_watts{"));
        HttpResponse<String> without = get(certs.context("ca", null), "/q/metrics");
        assertEquals(403, without.statusCode());
        assertEquals("{\"error\":\"a client certificate signed by a CA of --management-tls-client-ca is required for "
                + "/q/metrics\"}", without.body());
        assertEquals(200, get(certs.context("ca", null), "/q/health/live").statusCode(), "probes need no certificate");
        assertThrows(java.io.IOException.class, () -> get(certs.context("ca", "intruder"), "/q/metrics"),
                "a certificate of another CA fails the handshake");
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        ZeusdProcess zeusd = daemon(serverTls("--management-tls-reload-period", "1s"));
        zeusd.awaitStarted(START);
        SSLContext tls = certs.context("ca", null);
        BigInteger first = servedSerial(tls);
        // cert-manager's way: new files in place (here an RSA key in PKCS#1 form)
        certs.issue("ca", "renewed", KeyForm.PKCS1_RSA, false);
        Files.copy(certs.file("renewed.key"), certs.file("server.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.file("renewed.crt"), certs.file("server.crt"), StandardCopyOption.REPLACE_EXISTING);
        BigInteger served = first;
        for (long until = System.nanoTime() + Duration.ofSeconds(15).toNanos(); served.equals(first)
                && System.nanoTime() < until;) {
            Thread.sleep(200);
            served = servedSerial(tls);
        }
        assertNotEquals(first, served, "still the first certificate 15 s after the renewal");
        assertEquals(200, get(tls, "/q/metrics").statusCode());
        assertTrue(zeusd.isAlive());
    }

    @Test
    void badFilesRefuseToStartInOneSentence() throws Exception {
        certs.issue("ca", "stranger", KeyForm.PKCS8_EC, false);
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
        assertRefused("--management-tls-key " + dir.resolve("stranger.key") + " is not the key of the certificate",
                "--management-tls-cert", certs.file("server.crt").toString(), "--management-tls-key",
                certs.file("stranger.key").toString());
        assertRefused("is not a readable file", "--management-tls-cert", dir.resolve("missing.crt").toString(),
                "--management-tls-key", certs.file("server.key").toString());
        assertRefused("is not PEM that Vert.x can load", "--management-tls-cert", dir.resolve("garbage.pem").toString(),
                "--management-tls-key", certs.file("server.key").toString());
        assertRefused("--management-tls-cert and --management-tls-key go together", "--management-tls-cert",
                certs.file("server.crt").toString());
        assertRefused("--management-tls-client-ca needs --management-tls-cert", "--management-tls-client-ca",
                certs.file("ca.crt").toString());
    }

    private void assertRefused(String sentence, String... flags) throws Exception {
        ZeusdProcess zeusd = daemon(flags);
        assertEquals(1, zeusd.awaitExit(EXIT), zeusd.stderr());
        List<String> lines = zeusd.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + zeusd.stderr());
        assertTrue(lines.get(0).contains(sentence), lines.get(0));
    }
}
