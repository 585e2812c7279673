package dev.zeusd.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

import dev.zeusd.StartupException;
import dev.zeusd.config.ZeusdConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * HTTPS on the management listener: the flags checked before Quarkus boots, each failure one sentence, and the TLS
 * registry configuration that serves them. The certificate and key are parsed by Vert.x' own PEM reader, the one the
 * listener uses, so a key the listener would refuse is refused here first; a key that does not belong to the certificate
 * (which Java would only notice at the first handshake) is caught by signing with one and verifying with the other.
 */
public final class ManagementTls {
    /** The name of the TLS registry configuration the management listener uses. */
    static final String NAME = "zeusd-management";
    private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA",
            "Ed25519", "Ed25519", "EdDSA", "Ed25519");

    private ManagementTls() {
    }

    /** The Quarkus properties for HTTPS on the management listener; none without a certificate. */
    static Map<String, String> quarkusProperties(ZeusdConfig config) {
        if (config.managementTlsCert().isEmpty()) {
            return Map.of();
        }
        String prefix = "quarkus.tls." + NAME + ".";
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.management.tls-configuration-name", NAME);
        props.put(prefix + "key-store.pem.0.cert", config.managementTlsCert().get().toString());
        props.put(prefix + "key-store.pem.0.key", config.managementTlsKey().get().toString());
        config.managementTlsClientCa().ifPresent(ca -> props.put(prefix + "trust-store.pem.certs", ca.toString()));
        props.put(prefix + "reload-period", config.managementTlsReloadPeriod().toMillis() + "ms");
        return props;
    }

    /** @throws StartupException naming the flag and the way out */
    static void verify(ZeusdConfig config) {
        Optional<Path> cert = config.managementTlsCert();
        Optional<Path> key = config.managementTlsKey();
        if (cert.isEmpty() && key.isEmpty()) {
            if (config.managementTlsClientCa().isPresent()) {
                throw new StartupException("--management-tls-client-ca needs --management-tls-cert and "
                        + "--management-tls-key: client certificates are checked only over HTTPS.");
            }
            return;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new StartupException("--management-tls-cert and --management-tls-key go together: give both PEM "
                    + "files, or neither for plain HTTP.");
        }
        if (config.managementBindAddress().isEmpty()) {
            throw new StartupException("--management-tls-cert is set but --management-bind-address is off: bind the "
                    + "management listener, or drop the TLS flags.");
        }
        Buffer certPem = read("--management-tls-cert", cert.get());
        Buffer keyPem = read("--management-tls-key", key.get());
        Optional<Buffer> caPem = config.managementTlsClientCa().map(ca -> read("--management-tls-client-ca", ca));
        // Vert.x' key reader needs no Vert.x instance for PEM given as bytes (only to read paths), so none is
        // started before Quarkus' own; its trust reader does, and the JDK's X.509 reader takes the same PEM
        KeyManagerFactory keys = parse("--management-tls-cert and --management-tls-key", cert.get() + " and "
                + key.get(), () -> new PemKeyCertOptions().setCertValue(certPem).setKeyValue(keyPem)
                        .getKeyManagerFactory(null));
        requireMatch(keys, cert.get(), key.get());
        caPem.ifPresent(ca -> parse("--management-tls-client-ca", config.managementTlsClientCa().get().toString(),
                () -> requireCertificates(ca)));
    }

    /** The file's bytes, read as the daemon's user: root passes a permission check a read can still fail. */
    private static Buffer read(String flag, Path file) {
        try {
            if (Files.isRegularFile(file)) {
                return Buffer.buffer(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            // reported below
        }
        throw new StartupException(flag + " " + file + " is not a readable file: check the path and that the "
                + "daemon's user may read it.");
    }

    private static Collection<? extends Certificate> requireCertificates(Buffer pem) throws CertificateException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes()));
        if (certificates.isEmpty()) {
            throw new CertificateException("no certificate in it");
        }
        return certificates;
    }

    private interface Parse<T> {
        T run() throws Exception;
    }

    private static <T> T parse(String flags, String files, Parse<T> parse) {
        try {
            return parse.run();
        } catch (Exception e) {
            throw new StartupException(flags + ": " + files + " is not PEM that Vert.x can load (" + e.getMessage()
                    + "): give PEM certificates and an unencrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC) key.");
        }
    }

    private static void requireMatch(KeyManagerFactory keys, Path cert, Path key) {
        for (KeyManager manager : keys.getKeyManagers()) {
            if (!(manager instanceof X509KeyManager x509)) {
                continue;
            }
            for (String type : SIGNATURES.keySet()) {
                String[] aliases = x509.getServerAliases(type, null);
                if (aliases == null) {
                    continue;
                }
                for (String alias : aliases) {
                    X509Certificate[] chain = x509.getCertificateChain(alias);
                    if (chain != null && chain.length > 0 && !belongs(x509.getPrivateKey(alias), chain[0])) {
                        throw new StartupException("--management-tls-key " + key + " is not the key of the "
                                + "certificate in --management-tls-cert " + cert + ": give the key the certificate "
                                + "was issued for.");
                    }
                }
            }
        }
    }

    private static boolean belongs(PrivateKey key, X509Certificate cert) {
        String algorithm = SIGNATURES.get(key.getAlgorithm());
        if (algorithm == null) {
            return true; // a key type without a check here: the first handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an RSA key against an EC certificate
        }
    }
}
