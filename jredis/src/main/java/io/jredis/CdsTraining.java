package io.jredis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code java -XX:ArchiveClassesAtExit=<archive> -jar jredis.jar cds-training <dir>}: the run {@code bin/jredis}
 * makes once per jar to build a class-data sharing archive (AppCDS). It exercises what a starting server loads: the
 * command line and config, the command table, an AOF and an RDB load, the network and every data type's commands;
 * the JVM then archives the classes it loaded (lambda forms and the command-line parser's included), so later starts
 * map them instead of reading, verifying and linking them from the jar. Everything happens in a scratch directory under {@code dir}, removed at
 * the end.
 */
@Command(name = "cds-training", hidden = true, mixinStandardHelpOptions = true,
        description = "Exercises a server so that the JVM can archive its classes (used by bin/jredis).")
final class CdsTraining implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "dir", description = "Where the scratch directory goes.")
    Path parent;

    /** Runs the training in a scratch directory inside {@code parent}; returns the process exit code. */
    @Override
    public Integer call() throws IOException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "cds-training");
        try {
            EmbeddedRedis.Builder aof = EmbeddedRedis.builder().quiet(false)
                    .setting("dir", dir.toString()).setting("logfile", dir.resolve("log").toString())
                    .setting("appendonly", "yes").setting("appendfsync", "no");
            try (EmbeddedRedis r = aof.build().start()) {
                send(r.port(), writes() + command("SAVE"));
            }
            try (EmbeddedRedis r = aof.build().start()) {
                send(r.port(), reads());
            }
            try (EmbeddedRedis r = aof.setting("appendonly", "no").build().start()) {
                send(r.port(), reads());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }

    /** Writes of every type, with expiries, a transaction, a function and enough keys to grow the dict. */
    private static String writes() {
        StringBuilder s = new StringBuilder();
        s.append(command("FUNCTION", "LOAD", "#!lua name=training\nredis.register_function('f', "
                + "function(keys, args) return redis.call('SET', keys[1], args[1]) end)"));
        for (int i = 0; i < 2000; i++) {
            String k = Integer.toString(i);
            s.append(command("SET", "s" + k, i % 3 == 0 ? k : "value-" + k));
            s.append(command("SET", "x" + k, k, "EX", "100000"));
            s.append(command("INCR", "n" + k));
            s.append(command("RPUSH", "l" + k, "a", "b", k));
            s.append(command("HSET", "h" + k, "f1", "v1", "f2", k));
            s.append(command("SADD", "i" + k, "1", "2", k));
            s.append(command("SADD", "m" + k, "a", "b", "member-" + k));
            s.append(command("ZADD", "z" + k, "1.5", "a", k, "b", "2.25", "c"));
        }
        s.append(command("MULTI")).append(command("SET", "t", "1")).append(command("EXPIRE", "t", "1000"))
                .append(command("EXEC"));
        s.append(command("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "e", "v"));
        s.append(command("FCALL", "f", "1", "fk", "v"));
        s.append(command("SELECT", "1")).append(command("SET", "db1", "v")).append(command("SELECT", "0"));
        return s.toString();
    }

    private static String reads() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String k = Integer.toString(i);
            s.append(command("GET", "s" + k)).append(command("LRANGE", "l" + k, "0", "-1"))
                    .append(command("HGETALL", "h" + k)).append(command("SMEMBERS", "i" + k))
                    .append(command("ZRANGE", "z" + k, "0", "-1", "WITHSCORES")).append(command("TTL", "x" + k));
        }
        return s.append(command("INFO")).append(command("DBSIZE")).toString();
    }

    private static String command(String... args) {
        StringBuilder s = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            s.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return s.toString();
    }

    /**
     * Sends a pipeline and reads until the reply to a final ECHO of a marker arrives; an error reply fails the training
     * (none of the commands should fail, the values hold no line starting with '-').
     */
    private static void send(int port, String commands) throws IOException {
        String marker = "cds-training-done";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((commands + command("ECHO", marker)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[1 << 16];
            StringBuilder replies = new StringBuilder();
            while (!replies.toString().endsWith(marker + "\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("the training server closed the connection");
                }
                replies.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            int error = ("\r\n" + replies).indexOf("\r\n-");
            if (error >= 0) {
                throw new IOException("error reply: " + replies.substring(error, replies.indexOf("\r", error)));
            }
        }
    }
}
