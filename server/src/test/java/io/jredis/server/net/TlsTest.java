package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestCerts;
import io.jredis.server.testing.TestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** tls-port with real clients: redis-cli --tls, Jedis and Lettuce over SSL, client certificates, bad peers. */
class TlsTest {
    private final TestCerts certs = TestCerts.get();

    private TestServer tlsServer(String... extra) throws IOException {
        // An explicit plain port: with port 0 and a tls-port, Redis (and jredis) listen on TLS only.
        List<String> d = new ArrayList<>(List.of("port", Integer.toString(RealRedis.freePort()),
                "tls-port", Integer.toString(RealRedis.freePort()),
                "tls-cert-file", certs.path("server.crt"), "tls-key-file", certs.path("server.key"),
                "tls-ca-cert-file", certs.path("ca.crt")));
        d.addAll(List.of(extra));
        return TestServer.start(d.toArray(String[]::new));
    }

    private static int tlsPort(TestServer s) {
        return s.server().tlsPort();
    }

    private record Cli(int exit, String out) {}

    private Cli redisCli(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--tls", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("redis-cli is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "redis-cli did not finish");
        return new Cli(p.exitValue(), out);
    }

    @Test
    void redisCliOverTls() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no")) {
            int port = tlsPort(s);
            assertEquals("PONG", redisCli(port, "--cacert", certs.path("ca.crt"), "ping").out());
            assertEquals("OK", redisCli(port, "--cacert", certs.path("ca.crt"), "set", "k", "v").out());
            assertEquals("v", redisCli(port, "--cacert", certs.path("ca.crt"), "get", "k").out());
            // The plain port still serves the same keyspace.
            try (Jedis plain = new Jedis("127.0.0.1", s.port())) {
                assertEquals("v", plain.get("k"));
            }
        }
    }

    @Test
    void onlyTlsWhenPortIsZero() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no", "port", "0")) {
            assertEquals(0, s.port());
            int tls = tlsPort(s);
            String info = redisCli(tls, "--cacert", certs.path("ca.crt"), "info", "server").out();
            assertTrue(info.contains("tcp_port:" + tls), info);
        }
    }

    @Test
    void jedisWithSsl() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no");
             Jedis j = new Jedis("127.0.0.1", tlsPort(s), true, certs.trusting("ca.crt").getSocketFactory(),
                     null, null)) {
            assertEquals("OK", j.set("a", "1"));
            assertEquals(2, j.incr("a"));
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void jedisRejectsServerFromOtherCa() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no")) {
            assertThrows(JedisConnectionException.class, () -> jedisPing(tlsPort(s), "other-ca.crt"));
        }
    }

    @Test
    void expiredServerCertificateRejected() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-cert-file", certs.path("expired-server.crt"),
                "tls-key-file", certs.path("expired-server.key"))) {
            JedisConnectionException e = assertThrows(JedisConnectionException.class,
                    () -> jedisPing(tlsPort(s), "ca.crt"));
            assertTrue(String.valueOf(rootCause(e).getMessage()).toLowerCase().contains("expired")
                    || String.valueOf(rootCause(e)).contains("CertificateExpired"), String.valueOf(rootCause(e)));
            Cli cli = redisCli(tlsPort(s), "--cacert", certs.path("ca.crt"), "ping");
            assertNotEquals("PONG", cli.out());
        }
    }

    private String jedisPing(int port, String caFile) {
        try (Jedis j = new Jedis("127.0.0.1", port, true, certs.trusting(caFile).getSocketFactory(), null, null)) {
            return j.ping();
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void lettuceWithSsl() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "optional")) {
            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(tlsPort(s)).withSsl(true).build();
            RedisClient client = RedisClient.create(uri);
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(new File(certs.path("ca.crt"))).build()).build());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertEquals("OK", c.sync().set("x", "y"));
                assertEquals("y", c.sync().get("x"));
            } finally {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void clientCertificateRequired() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "yes")) {
            int port = tlsPort(s);
            Cli without = redisCli(port, "--cacert", certs.path("ca.crt"), "ping");
            assertNotEquals("PONG", without.out());
            Cli with = redisCli(port, "--cacert", certs.path("ca.crt"), "--cert", certs.path("client.crt"),
                    "--key", certs.path("client.key"), "ping");
            assertEquals("PONG", with.out());
            Cli expired = redisCli(port, "--cacert", certs.path("ca.crt"), "--cert", certs.path("expired-client.crt"),
                    "--key", certs.path("expired-client.key"), "ping");
            assertNotEquals("PONG", expired.out());
            Cli otherCa = redisCli(port, "--cacert", certs.path("ca.crt"), "--cert", certs.path("other-client.crt"),
                    "--key", certs.path("other-client.key"), "ping");
            assertNotEquals("PONG", otherCa.out());
            assertThrows(JedisConnectionException.class, () -> jedisPing(port, "ca.crt"));
        }
    }

    @Test
    void clientCertificateOptional() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "optional")) {
            int port = tlsPort(s);
            assertEquals("PONG", redisCli(port, "--cacert", certs.path("ca.crt"), "ping").out());
            assertEquals("PONG", redisCli(port, "--cacert", certs.path("ca.crt"), "--cert", certs.path("client.crt"),
                    "--key", certs.path("client.key"), "ping").out());
            assertNotEquals("PONG", redisCli(port, "--cacert", certs.path("ca.crt"),
                    "--cert", certs.path("other-client.crt"), "--key", certs.path("other-client.key"), "ping").out());
        }
    }

    @Test
    void pkcs1AndEncryptedKeys() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-key-file", certs.path("server-pkcs1.key"))) {
            assertEquals("PONG", redisCli(tlsPort(s), "--cacert", certs.path("ca.crt"), "ping").out());
        }
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-key-file", certs.path("server-encrypted.key"),
                "tls-key-file-pass", "secret")) {
            assertEquals("PONG", redisCli(tlsPort(s), "--cacert", certs.path("ca.crt"), "ping").out());
        }
    }

    @Test
    void protocolsAndCiphers() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-protocols", "TLSv1.2",
                "tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256")) {
            try (SSLSocket sock = (SSLSocket) certs.trusting("ca.crt").getSocketFactory()
                    .createSocket("127.0.0.1", tlsPort(s))) {
                assertEquals("+PONG", ping(sock));
                assertEquals("TLSv1.2", sock.getSession().getProtocol());
                assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", sock.getSession().getCipherSuite());
            }
        }
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-ciphersuites", "TLS_AES_256_GCM_SHA384");
             SSLSocket sock = (SSLSocket) certs.trusting("ca.crt").getSocketFactory()
                     .createSocket("127.0.0.1", tlsPort(s))) {
            assertEquals("+PONG", ping(sock));
            assertEquals("TLSv1.3", sock.getSession().getProtocol());
            assertEquals("TLS_AES_256_GCM_SHA384", sock.getSession().getCipherSuite());
        }
    }

    /** OpenSSL's cipher list operators: DEFAULT minus one suite refuses a client offering only that one. */
    @Test
    void cipherListRemovesASuiteFromTheDefaults() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-protocols", "TLSv1.2",
                "tls-ciphers", "DEFAULT:-AES128-SHA256")) {
            assertThrows(IOException.class, () -> handshake(tlsPort(s), "TLS_RSA_WITH_AES_128_CBC_SHA256"));
            assertEquals("TLS_RSA_WITH_AES_256_CBC_SHA256", handshake(tlsPort(s), "TLS_RSA_WITH_AES_256_CBC_SHA256"));
        }
    }

    /** As OpenSSL, the client's order picks the suite unless tls-prefer-server-ciphers is on. */
    @Test
    void clientOrderUnlessServerCiphersPreferred() throws Exception {
        String[] clientOrder = {"TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"};
        try (TestServer s = tlsServer("tls-auth-clients", "no", "tls-protocols", "TLSv1.2",
                "tls-ciphers", "AES128-SHA256:AES256-SHA256");
             Jedis plain = new Jedis("127.0.0.1", s.port())) {
            assertEquals(clientOrder[0], handshake(tlsPort(s), clientOrder));
            assertEquals("OK", plain.configSet("tls-prefer-server-ciphers", "yes"));
            assertEquals(clientOrder[1], handshake(tlsPort(s), clientOrder));
        }
    }

    /** CONFIG SET tls-port moves the TLS listener at run time, also onto the port the plain listener left. */
    @Test
    void configSetTlsPortMovesTheListener() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no")) {
            int plainPort = s.port();
            int tls = tlsPort(s);
            try (Jedis c = new Jedis("127.0.0.1", plainPort)) {
                assertEquals("OK", c.configSet("tls-port", "0"));
                assertThrows(IOException.class, () -> handshake(tls));
                assertEquals("OK", c.configSet("port", "0"));
                assertEquals("OK", c.configSet("tls-port", Integer.toString(plainPort)));
            }
            assertEquals("TLS_AES_256_GCM_SHA384", handshake(plainPort, "TLS_AES_256_GCM_SHA384"));
            assertEquals(plainPort, tlsPort(s));
        }
    }

    /** PINGs over a new TLS connection offering only {@code suites} (all enabled when none); the suite agreed. */
    private String handshake(int port, String... suites) throws Exception {
        try (SSLSocket sock = (SSLSocket) certs.trusting("ca.crt").getSocketFactory().createSocket("127.0.0.1",
                port)) {
            if (suites.length > 0) {
                sock.setEnabledCipherSuites(suites);
            }
            assertEquals("+PONG", ping(sock));
            return sock.getSession().getCipherSuite();
        }
    }

    private static String ping(Socket sock) throws IOException {
        return inline(sock, "PING");
    }

    /** Sends an inline command; the first line of its reply. */
    private static String inline(Socket sock, String command) throws IOException {
        OutputStream out = sock.getOutputStream();
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = sock.getInputStream();
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\r') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    /**
     * Redis counts a client's query buffer as soon as it reads the bytes, after decryption on a TLS connection: a
     * partial big argument over TLS shows in CLIENT LIST and weighs for maxmemory-clients as it does over TCP.
     */
    @Test
    void partialBigArgumentCountsAsOverTcp() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no");
             RawClient admin = new RawClient("127.0.0.1", s.port());
             RawClient tcp = new RawClient("127.0.0.1", s.port());
             SSLSocket tls = (SSLSocket) certs.trusting("ca.crt").getSocketFactory().createSocket("127.0.0.1",
                     tlsPort(s))) {
            assertEquals("OK", RawClient.text(tcp.call("CLIENT", "SETNAME", "tcp")));
            assertEquals("+OK", inline(tls, "CLIENT SETNAME tls"));
            // The header and 1000 bytes of a 1 MB argument; Redis reserves its query buffer for the whole of it.
            byte[] partial = ("*2\r\n$3\r\nGET\r\n$1000000\r\n" + "v".repeat(1000))
                    .getBytes(StandardCharsets.US_ASCII);
            tcp.send(partial);
            tls.getOutputStream().write(partial);
            tls.getOutputStream().flush();
            Await.until("both partial arguments shown as qbuf", 15,
                    () -> clientField(admin, "tcp", "qbuf") == 1000 && clientField(admin, "tls", "qbuf") == 1000);
            // Compared within one CLIENT LIST: the cron may shrink one client's reply buffer between two of them.
            Await.until("the same qbuf-free, argv-mem and tot-mem over TLS as over TCP", 15, () -> {
                String list = clientList(admin);
                return List.of("qbuf-free", "argv-mem", "tot-mem").stream()
                        .allMatch(f -> field(list, "tcp", f) == field(list, "tls", f));
            });
            assertTrue(clientField(admin, "tls", "tot-mem") >= 1_000_000);
            assertEquals(1L, admin.call("CLIENT", "KILL", "ID", Long.toString(clientField(admin, "tcp", "id"))));
            // The TLS client alone is over the limit: the cron evicts it.
            assertEquals("OK", RawClient.text(admin.call("CONFIG", "SET", "maxmemory-clients", "500000")));
            Await.until("the TLS client evicted", 15, () -> clientField(admin, "tls", "id") < 0);
            assertEquals(1, admin.infoLong("stats", "evicted_clients"));
        }
    }

    /** A numeric field of the CLIENT LIST line of the client named {@code name}; -1 when there is none. */
    private static long clientField(RawClient admin, String name, String field) {
        return field(clientList(admin), name, field);
    }

    private static String clientList(RawClient admin) {
        try {
            return RawClient.text(admin.call("CLIENT", "LIST"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A numeric field of the line of the client named {@code name} in a CLIENT LIST reply; -1 when there is none. */
    private static long field(String clientList, String name, String field) {
        for (String line : clientList.split("\n")) {
            Matcher m = Pattern.compile("(?:^| )" + field + "=(\\d+) ").matcher(line);
            if (line.contains(" name=" + name + " ") && m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }

    /** The start-up errors redis-server 7.0.15 logs (checked against it) before "Failed to configure TLS". */
    @Test
    void configurationErrorsAsRedisLogsThem() throws Exception {
        String missing = certs.path("missing.crt");
        assertStartFails("Failed to load certificate: " + missing
                + ": error:80000002:system library::No such file or directory", "tls-cert-file", missing);
        String missingKey = certs.path("missing.key");
        assertStartFails("Failed to load private key: " + missingKey
                + ": error:80000002:system library::No such file or directory", "tls-key-file", missingKey);
        assertStartFails("Failed to load private key: " + certs.path("ca.key")
                + ": error:05800074:x509 certificate routines::key values mismatch",
                "tls-key-file", certs.path("ca.key"));
        assertStartFails("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                + "tls-replication or tls-auth-clients are enabled!", "tls-ca-cert-file", "");
        assertStartFails("No tls-key-file configured!", "tls-key-file", "");
        assertStartFails("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and "
                + "'TLSv1.3'.", "tls-protocols", "TLSv1.2 SSLv3");
        assertStartFails("Failed to configure ciphers: foo", "tls-ciphers", "foo");
        assertStartFails("Failed to configure ciphersuites: foo", "tls-ciphersuites", "foo");
    }

    @Test
    void configSetReconfiguresTls() throws Exception {
        try (TestServer s = tlsServer("tls-auth-clients", "no");
             Jedis plain = new Jedis("127.0.0.1", s.port())) {
            String missing = certs.path("missing.crt");
            redis.clients.jedis.exceptions.JedisDataException e = assertThrows(
                    redis.clients.jedis.exceptions.JedisDataException.class,
                    () -> plain.configSet("tls-cert-file", missing));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update "
                    + "TLS configuration. Check server logs.", e.getMessage());
            assertEquals(certs.path("server.crt"), plain.configGet("tls-cert-file").get("tls-cert-file"));
            // A certificate from another CA takes effect for new connections.
            assertEquals("OK", plain.configSet("tls-cert-file", certs.path("other-server.crt"),
                    "tls-key-file", certs.path("other-server.key")));
            assertEquals("PONG", redisCli(tlsPort(s), "--cacert", certs.path("other-ca.crt"), "ping").out());
            assertNotEquals("PONG", redisCli(tlsPort(s), "--cacert", certs.path("ca.crt"), "ping").out());
            // tls-auth-clients applies to the next connection.
            assertEquals("OK", plain.configSet("tls-auth-clients", "yes"));
            assertNotEquals("PONG", redisCli(tlsPort(s), "--cacert", certs.path("other-ca.crt"), "ping").out());
        }
    }

    private void assertStartFails(String firstLine, String... extra) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> tlsServer(extra).close());
        assertEquals(firstLine + "\n" + Tls.FAILED, e.getCause().getMessage());
    }
}
