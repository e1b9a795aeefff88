package io.jredis.server.net;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.config.StringDirective;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Redis's tls.c on the JDK provider: the server context for the tls-port listener and the client context for
 * outgoing links (replica to master with tls-replication, Sentinel links). Certificates and keys are PEM files
 * (PKCS#8, encrypted PKCS#8 or PKCS#1 RSA keys). Configuration errors carry the lines Redis logs, one per line,
 * ending with "Failed to configure TLS. Check logs for more info.".
 */
public final class Tls {
    /** The last line Redis logs before exiting on a TLS configuration error. */
    public static final String FAILED = "Failed to configure TLS. Check logs for more info.";

    private static final String NO_FILE = "error:80000002:system library::No such file or directory";
    private static final String NO_ACCESS = "error:8000000D:system library::Permission denied";
    private static final String KEY_MISMATCH = "error:05800074:x509 certificate routines::key values mismatch";
    private static final String NO_START_LINE = "error:0480006C:PEM routines::no start line";
    private static final String BAD_DECRYPT = "error:1C800064:Provider routines::bad decrypt";

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    private final SslContext context;
    private final boolean preferServerCiphers;
    private final String fingerprint;

    private Tls(SslContext context, boolean preferServerCiphers, String fingerprint) {
        this.context = context;
        this.preferServerCiphers = preferServerCiphers;
        this.fingerprint = fingerprint;
    }

    /** True when the directives this context was built from have changed since (CONFIG SET). */
    public boolean stale(ServerConfig cfg) {
        return !fingerprint.equals(fingerprint(cfg));
    }

    /** A handler for a new connection; server-side it applies tls-prefer-server-ciphers. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler h = context.newHandler(alloc);
        applyOrder(h.engine());
        return h;
    }

    /** A client-side handler for a connection to {@code host:port}. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        return context.newHandler(alloc, host, port);
    }

    /** The JDK's server engine prefers its own order by default; OpenSSL (and so Redis) the client's. */
    private void applyOrder(SSLEngine engine) {
        SSLParameters p = engine.getSSLParameters();
        p.setUseCipherSuitesOrder(preferServerCiphers);
        engine.setSSLParameters(p);
    }

    /** Redis's tlsConfigure checks, then the server context (tls-cert-file, tls-key-file, CA, ciphers). */
    public static Tls server(ServerConfig cfg) throws IOException {
        List<String> log = new ArrayList<>();
        try {
            checkCommon(cfg, log);
            String[] protocols = protocols(cfg, log);
            X509Certificate[] chain = certificates(opt(cfg.tlsCertFile), "Failed to load certificate: ", log);
            PrivateKey key = privateKey(opt(cfg.tlsKeyFile), opt(cfg.tlsKeyFilePass), chain[0], log);
            SslContextBuilder b = SslContextBuilder.forServer(key, chain);
            X509Certificate[] ca = caCertificates(cfg, log);
            if (ca.length > 0) {
                b.trustManager(ca);
            }
            b.clientAuth(switch (cfg.tlsAuthClients.value()) {
                case "no" -> ClientAuth.NONE;
                case "optional" -> ClientAuth.OPTIONAL;
                default -> ClientAuth.REQUIRE;
            });
            b.sessionCacheSize(cfg.tlsSessionCacheSize.value()).sessionTimeout(cfg.tlsSessionCacheTimeout.value());
            return new Tls(finish(b, cfg, protocols, log), cfg.tlsPreferServerCiphers.value(),
                    fingerprint(cfg));
        } catch (ConfigError e) {
            throw failure(log);
        }
    }

    /**
     * The context for outgoing links: tls-client-cert-file/tls-client-key-file when set, else the server's pair,
     * trusting the configured CA. Like Redis, peers are verified against the CA but host names are not checked.
     */
    public static Tls client(ServerConfig cfg) throws IOException {
        List<String> log = new ArrayList<>();
        try {
            checkCommon(cfg, log);
            String[] protocols = protocols(cfg, log);
            boolean own = opt(cfg.tlsClientCertFile) != null && opt(cfg.tlsClientKeyFile) != null;
            String certFile = own ? opt(cfg.tlsClientCertFile) : opt(cfg.tlsCertFile);
            String keyFile = own ? opt(cfg.tlsClientKeyFile) : opt(cfg.tlsKeyFile);
            String pass = own ? opt(cfg.tlsClientKeyFilePass) : opt(cfg.tlsKeyFilePass);
            X509Certificate[] chain = certificates(certFile, "Failed to load certificate: ", log);
            PrivateKey key = privateKey(keyFile, pass, chain[0], log);
            SslContextBuilder b = SslContextBuilder.forClient().keyManager(key, chain)
                    .endpointIdentificationAlgorithm(null);
            X509Certificate[] ca = caCertificates(cfg, log);
            if (ca.length > 0) {
                b.trustManager(ca);
            }
            return new Tls(finish(b, cfg, protocols, log), false, fingerprint(cfg));
        } catch (ConfigError e) {
            throw failure(log);
        }
    }

    private static IOException failure(List<String> log) {
        log.add(FAILED);
        return new IOException(String.join("\n", log));
    }

    private static void checkCommon(ServerConfig cfg, List<String> log) {
        if (opt(cfg.tlsCertFile) == null) {
            throw fail(log, "No tls-cert-file configured!");
        }
        if (opt(cfg.tlsKeyFile) == null) {
            throw fail(log, "No tls-key-file configured!");
        }
        boolean needCa = !cfg.tlsAuthClients.value().equals("no") || cfg.tlsCluster.value()
                || cfg.tlsReplication.value();
        if (needCa && opt(cfg.tlsCaCertFile) == null && opt(cfg.tlsCaCertDir) == null) {
            throw fail(log, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                    + "tls-replication or tls-auth-clients are enabled!");
        }
    }

    private static SslContext finish(SslContextBuilder b, ServerConfig cfg, String[] protocols, List<String> log) {
        b.sslProvider(SslProvider.JDK).protocols(protocols);
        List<String> suites = cipherSuites(cfg, log);
        if (suites != null) {
            b.ciphers(suites, IdentityCipherSuiteFilter.INSTANCE);
        }
        try {
            return b.build();
        } catch (Exception e) {
            throw fail(log, "Failed to create TLS context: " + e.getMessage());
        }
    }

    /** tls-protocols: a space separated subset of TLSv1..TLSv1.3, default TLSv1.2 and TLSv1.3. */
    private static String[] protocols(ServerConfig cfg, List<String> log) {
        String spec = opt(cfg.tlsProtocols);
        if (spec == null || spec.isBlank()) {
            return new String[] {"TLSv1.2", "TLSv1.3"};
        }
        Set<String> out = new LinkedHashSet<>();
        for (String p : spec.trim().split(" +")) {
            switch (p.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> out.add("TLSv1");
                case "tlsv1.1" -> out.add("TLSv1.1");
                case "tlsv1.2" -> out.add("TLSv1.2");
                case "tlsv1.3" -> out.add("TLSv1.3");
                default -> throw fail(log, "Invalid tls-protocols specified. Use a combination of 'TLSv1', "
                        + "'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * tls-ciphers (OpenSSL names for TLSv1.2 and below) and tls-ciphersuites (TLSv1.3) mapped to the JDK's suite
     * names; null keeps the JDK defaults. OpenSSL keywords (HIGH, DEFAULT, !aNULL, ...) select the JDK defaults
     * for that protocol family. As with OpenSSL, a list that enables nothing is an error.
     */
    private static List<String> cipherSuites(ServerConfig cfg, List<String> log) {
        String ciphers = opt(cfg.tlsCiphers);
        String suites13 = opt(cfg.tlsCiphersuites);
        if (ciphers == null && suites13 == null) {
            return null;
        }
        List<String> defaults;
        Set<String> supported;
        try {
            javax.net.ssl.SSLContext jdk = javax.net.ssl.SSLContext.getInstance("TLS");
            jdk.init(null, null, null);
            defaults = Arrays.asList(jdk.getDefaultSSLParameters().getCipherSuites());
            supported = Set.of(jdk.getSupportedSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw fail(log, "Failed to create TLS context: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        if (ciphers == null) {
            defaults.stream().filter(s -> !isTls13(s)).forEach(out::add);
        } else {
            List<String> picked = pick(ciphers, supported, defaults, false);
            if (picked == null) {
                throw fail(log, "Failed to configure ciphers: " + ciphers);
            }
            out.addAll(picked);
        }
        if (suites13 == null) {
            defaults.stream().filter(Tls::isTls13).forEach(out::add);
        } else {
            List<String> picked = pick(suites13, supported, defaults, true);
            if (picked == null) {
                throw fail(log, "Failed to configure ciphersuites: " + suites13);
            }
            out.addAll(0, picked);
        }
        return out;
    }

    /**
     * The suites an OpenSSL cipher list selects, in order: names add their suite, {@code -name} removes it,
     * {@code !name} removes it for good, {@code +name} moves it last. Keywords (DEFAULT, HIGH, ALL, ...) stand for the
     * JDK's defaults of the protocol family; negated keywords ({@code !aNULL}, {@code !MD5}) name suites the JDK
     * never enables, and {@code @STRENGTH}-style directives are ignored. Null when nothing is selected.
     */
    private static List<String> pick(String spec, Set<String> supported, List<String> defaults, boolean tls13) {
        List<String> family = defaults.stream().filter(x -> isTls13(x) == tls13).toList();
        List<String> out = new ArrayList<>();
        Set<String> banned = new HashSet<>();
        for (String token : spec.split("[:, ]+")) {
            if (token.isEmpty() || token.startsWith("@")) {
                continue;
            }
            char op = "!-+".indexOf(token.charAt(0)) >= 0 ? token.charAt(0) : 0;
            String name = op == 0 ? token : token.substring(1);
            String java = supported.contains(name) ? name : CipherSuiteConverter.toJava(name, "TLS");
            List<String> selected;
            if (java != null && supported.contains(java)) {
                selected = isTls13(java) == tls13 ? List.of(java) : List.of();
            } else {
                Predicate<String> p = tls13 ? null : keyword(name);
                selected = p == null ? List.of() : family.stream().filter(p).toList();
            }
            switch (op) {
                case '!' -> {
                    out.removeAll(selected);
                    banned.addAll(selected);
                }
                case '-' -> out.removeAll(selected);
                case '+' -> {
                    List<String> moved = out.stream().filter(selected::contains).toList();
                    out.removeAll(moved);
                    out.addAll(moved);
                }
                default -> selected.stream().filter(x -> !banned.contains(x) && !out.contains(x)).forEach(out::add);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * Which JDK suites an OpenSSL cipher keyword selects: parts joined by '+' must all match. Classes the JDK never
     * enables by default (aNULL, MD5, RC4, ...) select nothing; an unknown word is null, as OpenSSL matches nothing.
     */
    private static Predicate<String> keyword(String word) {
        Predicate<String> all = x -> true;
        for (String part : word.split("\\+")) {
            Predicate<String> p = switch (part) {
                case "DEFAULT", "ALL", "HIGH", "MEDIUM", "COMPLEMENTOFDEFAULT", "TLSv1.2", "TLSv1", "SSLv3",
                        "FIPS" -> x -> true;
                case "ECDHE", "EECDH", "kEECDH", "kECDHE", "ECDH", "kECDH" -> x -> x.contains("_ECDHE_");
                case "DHE", "EDH", "kEDH", "kDHE", "DH" -> x -> x.contains("_DHE_");
                case "kRSA" -> x -> x.startsWith("TLS_RSA_");
                case "RSA", "aRSA" -> x -> x.contains("_RSA_");
                case "ECDSA", "aECDSA" -> x -> x.contains("_ECDSA_");
                case "AES" -> x -> x.contains("_AES_");
                case "AES128" -> x -> x.contains("_AES_128_");
                case "AES256" -> x -> x.contains("_AES_256_");
                case "AESGCM" -> x -> x.contains("_AES_") && x.contains("_GCM_");
                case "CHACHA20" -> x -> x.contains("_CHACHA20_");
                case "SHA256" -> x -> x.endsWith("_SHA256");
                case "SHA384" -> x -> x.endsWith("_SHA384");
                case "SHA1", "SHA" -> x -> x.endsWith("_SHA");
                case "aNULL", "eNULL", "NULL", "MD5", "RC4", "DES", "3DES", "EXPORT", "EXP", "LOW", "PSK", "SRP",
                        "DSS", "aDSS", "CAMELLIA", "SEED", "IDEA", "aECDH", "ADH", "AECDH" -> x -> false;
                default -> null;
            };
            if (p == null) {
                return null;
            }
            all = all.and(p);
        }
        return all;
    }

    private static boolean isTls13(String javaSuite) {
        return javaSuite.startsWith("TLS_AES_") || javaSuite.startsWith("TLS_CHACHA20_");
    }

    private static X509Certificate[] caCertificates(ServerConfig cfg, List<String> log) {
        List<X509Certificate> out = new ArrayList<>();
        String file = opt(cfg.tlsCaCertFile);
        String dir = opt(cfg.tlsCaCertDir);
        try {
            if (file != null) {
                out.addAll(parseCertificates(read(file)));
            }
            if (dir != null) {
                try (var files = Files.list(Path.of(dir))) {
                    for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                        try {
                            out.addAll(parseCertificates(Files.readAllBytes(p)));
                        } catch (GeneralSecurityException | IOException skipped) {
                            // OpenSSL's hashed directory lookup ignores files that hold no certificate too.
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw fail(log, "Failed to configure CA certificate(s) file/directory: " + ioReason(e));
        } catch (GeneralSecurityException e) {
            throw fail(log, "Failed to configure CA certificate(s) file/directory: " + NO_START_LINE);
        }
        if ((file != null || dir != null) && out.isEmpty()) {
            throw fail(log, "Failed to configure CA certificate(s) file/directory: " + NO_START_LINE);
        }
        return out.toArray(X509Certificate[]::new);
    }

    private static X509Certificate[] certificates(String file, String prefix, List<String> log) {
        try {
            List<X509Certificate> certs = parseCertificates(read(file));
            if (certs.isEmpty()) {
                throw fail(log, prefix + file + ": " + NO_START_LINE);
            }
            return certs.toArray(X509Certificate[]::new);
        } catch (IOException e) {
            throw fail(log, prefix + file + ": " + ioReason(e));
        } catch (GeneralSecurityException e) {
            throw fail(log, prefix + file + ": " + NO_START_LINE);
        }
    }

    private static List<X509Certificate> parseCertificates(byte[] pem) throws GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Matcher m = PEM.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE") || m.group(1).equals("TRUSTED CERTIFICATE")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        }
        return out;
    }

    private static PrivateKey privateKey(String file, String password, X509Certificate cert, List<String> log) {
        String prefix = "Failed to load private key: " + file + ": ";
        byte[] pem;
        try {
            pem = read(file);
        } catch (IOException e) {
            throw fail(log, prefix + ioReason(e));
        }
        Matcher m = PEM.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (m.group(2).contains("Proc-Type:")) {
                throw fail(log, prefix + "legacy encrypted PEM keys are not supported, use PKCS#8");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            PrivateKey key;
            try {
                key = switch (type) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "RSA PRIVATE KEY" -> pkcs8(rsaToPkcs8(der));
                    case "ENCRYPTED PRIVATE KEY" -> pkcs8(decrypt(der, password));
                    default -> throw new GeneralSecurityException(type);
                };
            } catch (GeneralSecurityException | IOException e) {
                throw fail(log, prefix + (type.startsWith("ENCRYPTED") ? BAD_DECRYPT : NO_START_LINE));
            }
            if (!matches(key, cert.getPublicKey())) {
                throw fail(log, prefix + KEY_MISMATCH);
            }
            return key;
        }
        throw fail(log, prefix + NO_START_LINE);
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static byte[] decrypt(byte[] der, String password) throws GeneralSecurityException, IOException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        char[] pass = password == null ? new char[0] : password.toCharArray();
        // For PBES2 the parameters name the concrete scheme (e.g. PBEWithHmacSHA256AndAES_256), not the OID's name.
        String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
        SecretKeyFactory f = SecretKeyFactory.getInstance(alg);
        Cipher cipher = Cipher.getInstance(alg);
        cipher.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(pass)), info.getAlgParameters());
        return info.getKeySpec(cipher).getEncoded();
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption with NULL parameters). */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = tlv(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] len = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(value, 0, out, 1 + len.length, n);
        return out;
    }

    /** OpenSSL's X509_check_private_key: the key belongs to the certificate. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        if (key instanceof RSAPrivateKey rk && pub instanceof RSAPublicKey rp) {
            return rk.getModulus().equals(rp.getModulus());
        }
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
            return false;
        }
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "jredis".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(String file) throws IOException {
        return Files.readAllBytes(Path.of(file));
    }

    private static String ioReason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return NO_FILE;
        }
        if (e instanceof AccessDeniedException) {
            return NO_ACCESS;
        }
        return "error:80000002:system library::" + e.getMessage();
    }

    /** The TLS directives a context depends on; a change means CONFIG SET asked for a new context. */
    private static String fingerprint(ServerConfig cfg) {
        StringBuilder sb = new StringBuilder();
        for (var d : List.of(cfg.tlsCertFile, cfg.tlsKeyFile, cfg.tlsKeyFilePass, cfg.tlsClientCertFile,
                cfg.tlsClientKeyFile, cfg.tlsClientKeyFilePass, cfg.tlsCaCertFile, cfg.tlsCaCertDir, cfg.tlsProtocols,
                cfg.tlsCiphers, cfg.tlsCiphersuites)) {
            sb.append('\0').append(d.value());
        }
        return sb.append('\0').append(cfg.tlsAuthClients.value()).append(cfg.tlsPreferServerCiphers.value())
                .append(cfg.tlsReplication.value()).append(cfg.tlsSessionCacheSize.value())
                .append(cfg.tlsSessionCacheTimeout.value()).toString();
    }

    /** A string directive's value, null when empty (Redis keeps unset tls-* paths as NULL). */
    private static String opt(StringDirective d) {
        String v = d.value();
        return v == null || v.isEmpty() ? null : v;
    }

    private static ConfigError fail(List<String> log, String line) {
        log.add(line);
        return new ConfigError();
    }

    /** Unwinds to the public entry points once the reason is logged. */
    private static final class ConfigError extends RuntimeException {
        ConfigError() {
            super(null, null, false, false);
        }
    }
}
