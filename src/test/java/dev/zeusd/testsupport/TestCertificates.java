package dev.zeusd.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** A CA and certificates it signs, made by the real {@code openssl} in a test's directory. */
public final class TestCertificates {
    private final Path dir;

    /** Makes {@code dir/<ca>.crt} and {@code dir/<ca>.key}, a CA valid for a day. */
    public TestCertificates(Path dir, String ca) throws Exception {
        this.dir = dir;
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + ".key", "-out", ca + ".crt",
                "-days", "1", "-subj", "/CN=" + ca);
    }

    /** The key forms a server or client key may come in. */
    public enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}, EC P-256 */
        PKCS8_EC,
        /** {@code BEGIN RSA PRIVATE KEY} (cert-manager's default encoding for RSA) */
        PKCS1_RSA,
        /** {@code BEGIN EC PRIVATE KEY} (cert-manager's default encoding for ECDSA) */
        SEC1_EC
    }

    /**
     * Makes {@code dir/<name>.crt} and {@code dir/<name>.key}, signed by CA {@code ca}, for localhost and 127.0.0.1;
     * with {@code client}, also {@code dir/<name>.p12} (password {@code test}) for a Java client.
     */
    public void issue(String ca, String name, KeyForm form, boolean client) throws Exception {
        switch (form) {
        case PKCS8_EC -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                name + ".key");
        case PKCS1_RSA -> openssl("genrsa", "-traditional", "-out", name + ".key", "2048");
        case SEC1_EC -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        }
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), client ? "extendedKeyUsage=clientAuth\n"
                : "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "1", "-extfile", name + ".ext");
        if (client) {
            openssl("pkcs12", "-export", "-in", name + ".crt", "-inkey", name + ".key", "-out", name + ".p12",
                    "-passout", "pass:test");
        }
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** A TLS context that trusts CA {@code ca} and, if {@code client} is not null, presents that client's p12. */
    public SSLContext context(String ca, String client) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(file(ca + ".crt"))) {
            trust.setCertificateEntry(ca, CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file(client + ".p12"))) {
                keys.load(in, "test".toCharArray());
            }
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, "test".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : new KeyManager[] {
            new AlwaysPresent((X509ExtendedKeyManager) keyManagers.getKeyManagers()[0]) },
                trustManagers.getTrustManagers(), null);
        return context;
    }

    /**
     * Presents the client certificate whatever CAs the server names: Java's own choice would send none when the
     * issuer is not among them, and a test of a server that refuses a stranger's certificate needs it sent.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        AlwaysPresent(X509ExtendedKeyManager keys) {
            this.keys = keys;
            String[] aliases = keys.getClientAliases("EC", null);
            this.alias = aliases != null ? aliases[0] : keys.getClientAliases("RSA", null)[0];
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] { alias };
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return keys.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return keys.getPrivateKey(name);
        }
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
