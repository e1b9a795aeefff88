package io.jredis.bench;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Values;
import io.jredis.server.log.Log;
import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.util.Bytes;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Memory of small hashes and sets, jredis against redis-server: loads N hashes of 5 short fields (listpack) and N
 * sets of 10 integers (intset) into each and prints the memory each dataset takes side by side.
 *
 * <p>redis-server is measured by INFO memory ({@code used_memory}, and RSS); jredis runs in this JVM and is measured
 * by the heap in use after a full GC, minus the same figure before loading. Both get the same pipelined RESP stream
 * over a socket. Usage: {@code MemoryHashesSets [count]} (default 1,000,000); redis-server must be on the PATH for
 * the comparison column.
 */
public final class MemoryHashesSets {
    private static final String[] FIELDS = {"name", "age", "city", "zip", "score"};

    private MemoryHashesSets() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long[] redis = measureRedis(n);
        long[] jredis = measureJredis(n);
        System.out.printf("%n%,d hashes of 5 fields and %,d sets of 10 integers%n", n, n);
        System.out.printf("%-22s %16s %16s %16s %8s%n", "dataset", "redis used_memory", "redis RSS", "jredis heap",
                "ratio");
        row("hashes (listpack)", redis == null ? -1 : redis[0], redis == null ? -1 : redis[2], jredis[0]);
        row("sets (intset)", redis == null ? -1 : redis[1], redis == null ? -1 : redis[3], jredis[1]);
        row("both", redis == null ? -1 : redis[0] + redis[1], redis == null ? -1 : redis[2] + redis[3],
                jredis[0] + jredis[1]);
        if (redis != null) {
            System.out.printf("per key: redis %.1f B (hash) / %.1f B (set); jredis %.1f B / %.1f B%n",
                    redis[0] / (double) n, redis[1] / (double) n, jredis[0] / (double) n, jredis[1] / (double) n);
        }
        System.out.printf("jredis process RSS after load: %s (heap committed %s)%n", mb(rss()),
                mb(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()));
    }

    private static void row(String name, long redisUsed, long redisRss, long jredisHeap) {
        String ratio = redisUsed > 0 ? String.format("%.2fx", jredisHeap / (double) redisUsed) : "-";
        System.out.printf("%-22s %16s %16s %16s %8s%n", name, redisUsed < 0 ? "-" : mb(redisUsed),
                redisRss < 0 ? "-" : mb(redisRss), mb(jredisHeap), ratio);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }

    // ---- the dataset, as one RESP stream per type ----

    private static byte[] command(List<String> argv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("*" + argv.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : argv) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            o.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(b);
            o.writeBytes(new byte[] {'\r', '\n'});
        }
        return o.toByteArray();
    }

    private static byte[] hset(int i) {
        String[] values = {"user" + i, Integer.toString(18 + i % 60), "city" + i % 1000,
            Integer.toString(10000 + i % 90000), Integer.toString(i % 1000)};
        List<String> argv = new ArrayList<>(List.of("HSET", "hash:" + i));
        for (int f = 0; f < FIELDS.length; f++) {
            argv.add(FIELDS[f]);
            argv.add(values[f]);
        }
        return command(argv);
    }

    private static byte[] sadd(int i, Random rnd) {
        List<String> argv = new ArrayList<>(List.of("SADD", "set:" + i));
        for (int m = 0; m < 10; m++) {
            argv.add(Integer.toString(rnd.nextInt(100_000)));
        }
        return command(argv);
    }

    /** Sends {@code n} commands pipelined and waits for their {@code n} one-line replies. */
    private static void load(int port, int n, java.util.function.IntFunction<byte[]> commands) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            InputStream in = s.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[65536];
                long lines = 0;
                try {
                    while (lines < n) {
                        int r = in.read(buf);
                        if (r < 0) {
                            throw new IOException("connection closed after " + lines + " replies");
                        }
                        for (int k = 0; k < r; k++) {
                            if (buf[k] == '-') {
                                throw new IOException("error reply: " + new String(buf, k, Math.min(80, r - k),
                                        StandardCharsets.ISO_8859_1));
                            }
                            if (buf[k] == '\n') {
                                lines++;
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            reader.start();
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            for (int i = 0; i < n; i++) {
                out.write(commands.apply(i));
            }
            out.flush();
            reader.join();
        }
    }

    // ---- redis-server ----

    /** used_memory for hashes, for sets, then RSS for each; null when redis-server is not installed. */
    private static long[] measureRedis(int n) throws Exception {
        String bin = which("redis-server");
        if (bin == null) {
            System.out.println("redis-server not on PATH: jredis only");
            return null;
        }
        int port = LoopbackPorts.claim();
        Path dir = Files.createTempDirectory("bench-redis");
        Process p = new ProcessBuilder(bin, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
                .redirectOutput(dir.resolve("redis.log").toFile()).redirectErrorStream(true).start();
        try {
            waitForPort(port);
            Map<String, Long> before = info(port);
            load(port, n, MemoryHashesSets::hset);
            Map<String, Long> hashes = info(port);
            Random rnd = new Random(42);
            load(port, n, i -> sadd(i, rnd));
            Map<String, Long> sets = info(port);
            System.out.printf("redis-server: used_memory %s -> %s -> %s, rss %s -> %s -> %s%n",
                    mb(before.get("used_memory")), mb(hashes.get("used_memory")), mb(sets.get("used_memory")),
                    mb(before.get("used_memory_rss")), mb(hashes.get("used_memory_rss")),
                    mb(sets.get("used_memory_rss")));
            return new long[] {
                hashes.get("used_memory") - before.get("used_memory"),
                sets.get("used_memory") - hashes.get("used_memory"),
                hashes.get("used_memory_rss") - before.get("used_memory_rss"),
                sets.get("used_memory_rss") - hashes.get("used_memory_rss")};
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Long> info(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(command(List.of("INFO", "memory")));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int len = -1;
            while (true) {
                int r = in.read(buf);
                got.write(buf, 0, r);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int eol = text.indexOf("\r\n");
                if (len < 0 && eol > 0) {
                    len = Integer.parseInt(text.substring(1, eol));
                }
                if (len >= 0 && got.size() >= eol + 2 + len) {
                    Map<String, Long> out = new java.util.HashMap<>();
                    for (String line : text.split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon > 0 && line.substring(colon + 1).matches("\\d+")) {
                            out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
                        }
                    }
                    return out;
                }
            }
        }
    }

    // ---- jredis, in this JVM ----

    /** Heap taken by hashes, then by sets. */
    private static long[] measureJredis(int n) throws Exception {
        ServerConfig cfg = new ServerConfig();
        cfg.find("bind").setFromString("127.0.0.1");
        cfg.find("port").setFromString("0");
        try (RedisServer server = new RedisServer(cfg, Log.silent())) {
            server.start();
            long before = heapAfterGc();
            load(server.port(), n, MemoryHashesSets::hset);
            long hashes = heapAfterGc();
            Random rnd = new Random(42);
            load(server.port(), n, i -> sadd(i, rnd));
            long sets = heapAfterGc();
            String encodings = server.onEngine(() -> Values.encoding(server.engine().database(0).get(Bytes.of("hash:0")))
                    + "/" + Values.encoding(server.engine().database(0).get(Bytes.of("set:0")))
                    + ", keys " + server.engine().database(0).size());
            System.out.printf("jredis: heap %s -> %s -> %s (encodings %s)%n", mb(before), mb(hashes), mb(sets),
                    encodings);
            return new long[] {hashes - before, sets - hashes};
        }
    }

    private static long heapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    // ---- helpers ----

    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }


    private static void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server did not start on port " + port);
    }
}
