package io.jredis.bench;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.commands.CoreCommands;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.net.RespDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server's per-command CPU cost without the kernel: a pipelined batch of {@value #BATCH} requests goes through
 * {@link RespDecoder}, {@code Engine.process} (lookup, checks, call, stats) and the handler, whose replies are
 * encoded into the client's buffer and flushed once, as a read batch is on a real connection. The keyspace holds
 * {@code keys} keys so lookups miss the CPU caches as they do under redis-benchmark {@code -r}. Scores are per command.
 *
 * <pre>{@code java -jar bench/target/benchmarks.jar CommandPathBenchmark -wi 2 -i 3 -f 1}</pre>
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.util.zip=ALL-UNNAMED"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CommandPathBenchmark {
    static final int BATCH = 16;
    private static final int ROTATION = 4096;

    @Param({"1000", "1000000"})
    int keys;

    private EmbeddedChannel channel;
    /** Batches for keys spread over the whole keyspace, taken in turn so consecutive batches touch other keys. */
    private byte[][] sets;
    private byte[][] gets;
    private byte[] pings;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Engine engine = new Engine(new ServerConfig(), Log.silent());
        CoreCommands.register(engine);
        channel = new EmbeddedChannel();
        Client client = engine.newClient(channel);
        client.authenticate(null);
        ChannelInboundHandlerAdapter flusher = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                engine.flushPending();
            }
        };
        channel.pipeline().addLast(new RespDecoder(new Limits(engine), msg -> engine.process(client, (byte[][]) msg)),
                flusher);
        for (int i = 0; i < keys; i += BATCH) {
            channel.writeInbound(Unpooled.wrappedBuffer(batch("SET", i, true)));
            drain();
        }
        sets = new byte[ROTATION][];
        gets = new byte[ROTATION][];
        for (int i = 0; i < ROTATION; i++) {
            sets[i] = batch("SET", i * 104729L, true);
            gets[i] = batch("GET", i * 104729L, false);
        }
        pings = "*1\r\n$4\r\nPING\r\n".repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@value #BATCH} requests for keys {@code first + i * 7919} (mod keys). */
    private byte[] batch(String cmd, long first, boolean withValue) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BATCH; i++) {
            String key = "key:" + String.format("%012d", (first + i * 7919L) % keys);
            sb.append(withValue ? "*3\r\n" : "*2\r\n").append('$').append(cmd.length()).append("\r\n").append(cmd)
                    .append("\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n");
            if (withValue) {
                sb.append("$3\r\nxxx\r\n");
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    private int run(byte[] requests) {
        channel.writeInbound(Unpooled.wrappedBuffer(requests));
        return drain();
    }

    private int drain() {
        int bytes = 0;
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            bytes += out.readableBytes();
            out.release();
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int set() {
        return run(sets[next++ & (ROTATION - 1)]);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int get() {
        return run(gets[next++ & (ROTATION - 1)]);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ping() {
        return run(pings);
    }

    private static final class Limits implements RespDecoder.Limits {
        private final Engine engine;

        Limits(Engine engine) {
            this.engine = engine;
        }

        @Override
        public long protoMaxBulkLen() {
            return 512L * 1024 * 1024;
        }

        @Override
        public long queryBufferLimit() {
            return 1024L * 1024 * 1024;
        }

        @Override
        public boolean authenticated() {
            return true;
        }

        @Override
        public void readBegins(int bytes) {
            engine.readBegins();
        }

        @Override
        public void readEnds() {
            engine.readEnds();
        }
    }
}
