package io.jredis.bench;

import io.jredis.EmbeddedRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long an application or test waits for an embedded server in a warm JVM: from {@code build().start()} to the
 * first PING answered over a new TCP connection. Closing is measured apart, since a test suite pays it too. The fork
 * gets the JVM flags that jredis.jar's manifest sets.
 *
 * <pre>{@code java -jar bench/target/benchmarks.jar EmbeddedStartupBenchmark -wi 3 -i 5 -f 1}</pre>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EmbeddedStartupBenchmark {
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

    private EmbeddedRedis running;

    /** Start, connect, PING, read +PONG; the server is closed after the measured call. */
    @Benchmark
    public EmbeddedRedis startToFirstPong() throws IOException {
        running = EmbeddedRedis.builder().build().start();
        ping(running.port());
        return running;
    }

    /** The whole life of a throw-away server: start, first PONG, close (port free and threads gone). */
    @Benchmark
    public void startPingClose() throws IOException {
        try (EmbeddedRedis redis = EmbeddedRedis.builder().build().start()) {
            ping(redis.port());
        }
    }

    @TearDown(Level.Invocation)
    public void closeServer() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    private static void ping(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = s.getOutputStream();
            out.write(PING);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(PONG.length);
            if (!Arrays.equals(reply, PONG)) {
                throw new IOException("unexpected reply " + new String(reply, StandardCharsets.US_ASCII));
            }
        }
    }
}
