package io.jredis.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * Test certificates made with the openssl CLI in a temp dir (as Redis's utils/gen-test-certs.sh): a CA, a server
 * certificate for 127.0.0.1/localhost, a client certificate, an expired server and client certificate, and a second
 * CA with a server and client certificate of its own. Tests that need them skip when openssl is missing.
 */
public final class TestCerts {
    private static TestCerts shared;

    public final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** The certificates, generated once per JVM; skips the calling test when openssl is not installed. */
    public static synchronized TestCerts get() {
        Assumptions.assumeTrue(opensslInstalled(),
                "openssl is not installed (apt-get install -y openssl); skipping the TLS test");
        if (shared == null) {
            try {
                Path dir = TempPaths.dir("jredis-tls");
                TestCerts c = new TestCerts(dir);
                c.generate();
                shared = c;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("generating test certificates failed: " + e.getMessage(), e);
            }
        }
        return shared;
    }

    public String path(String name) {
        return dir.resolve(name).toString();
    }

    private static boolean opensslInstalled() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void generate() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n");
        Files.writeString(dir.resolve("client.ext"), "keyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=clientAuth\n");
        ca("ca");
        ca("other-ca");
        signed("server", "ca", "server.ext", 365);
        signed("client", "ca", "client.ext", 365);
        signed("expired-server", "ca", "server.ext", -1);
        signed("expired-client", "ca", "client.ext", -1);
        signed("other-server", "other-ca", "server.ext", 365);
        signed("other-client", "other-ca", "client.ext", 365);
        // The same server key in the traditional PKCS#1 form and as encrypted PKCS#8.
        openssl("rsa", "-in", "server.key", "-traditional", "-out", "server-pkcs1.key");
        openssl("pkcs8", "-topk8", "-in", "server.key", "-v2", "aes-256-cbc", "-passout", "pass:secret",
                "-out", "server-encrypted.key");
    }

    private void ca(String name) throws IOException, InterruptedException {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-x509", "-new", "-nodes", "-sha256", "-key", name + ".key", "-days", "365",
                "-subj", "/O=jredis test/CN=" + name, "-out", name + ".crt");
    }

    private void signed(String name, String ca, String ext, int days) throws IOException, InterruptedException {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-new", "-sha256", "-subj", "/O=jredis test/CN=" + name, "-key", name + ".key",
                "-out", name + ".csr");
        openssl("x509", "-req", "-sha256", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-days", Integer.toString(days), "-extfile", ext, "-out", name + ".crt");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    /** An SSL context that trusts only the given CA certificate file (no client certificate). */
    public SSLContext trusting(String caFile) {
        try (InputStream in = Files.newInputStream(dir.resolve(caFile))) {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
