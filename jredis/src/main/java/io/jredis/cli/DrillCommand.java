package io.jredis.cli;

import io.jredis.cluster.RespConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar jredis.jar drill --sentinel host:port[,...] --master NAME [--kill] [--json]}: a failover drill
 * against a running Sentinel deployment (jredis or Redis). Each step is timed and reported PASS, FAIL or SKIP; the
 * exit code is 1 when a step failed.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Runs a failover drill against a Sentinel-managed master and reports each step.")
public final class DrillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sentinel", required = true, split = ",", paramLabel = "host:port",
            description = "Sentinel addresses (comma separated or repeated).")
    List<String> sentinels;

    @Option(names = "--master", required = true, description = "The master's name in Sentinel.")
    String master;

    @Option(names = "--kill", description = "Crash the master (SHUTDOWN NOSAVE) instead of SENTINEL FAILOVER.")
    boolean kill;

    @Option(names = "--json", description = "Print one JSON document instead of text lines.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "60",
            description = "Seconds each waiting step may take (switch-master, old master rejoining).")
    long timeout;

    @Option(names = "--password", description = "Password of the data nodes (AUTH), if any.")
    String password;

    private final List<Map<String, Object>> steps = new ArrayList<>();
    private PrintWriter out;
    private boolean failed;

    /** Thrown by a step to fail it with a reason. */
    private static final class StepFailed extends Exception {
        StepFailed(String reason) {
            super(reason);
        }
    }

    /** Thrown by a step to skip it with a reason. */
    private static final class StepSkipped extends Exception {
        StepSkipped(String reason) {
            super(reason);
        }
    }

    @FunctionalInterface
    private interface Step {
        String run() throws Exception;
    }

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        long start = System.nanoTime();
        String[] oldMaster = new String[1];
        String[] newMaster = new String[1];
        String marker = "jredis:drill:" + UUID.randomUUID();
        String value = Long.toString(System.currentTimeMillis());
        List<RespConnection> subscriptions = new ArrayList<>();
        try {
            boolean ok = step("identify master", () -> {
                oldMaster[0] = agreedMaster();
                return oldMaster[0];
            });
            ok = ok && step("ckquorum", () -> {
                StringBuilder r = new StringBuilder();
                for (String s : sentinels) {
                    Object reply = sentinel(s, "SENTINEL", "CKQUORUM", master);
                    if (reply instanceof Exception e) {
                        throw new StepFailed(s + ": " + e.getMessage());
                    }
                    r.append(s).append(": ").append(reply).append("; ");
                }
                return r.substring(0, r.length() - 2);
            });
            ok = ok && step("write marker (WAIT)", () -> {
                long replicas = 0;
                Object list = sentinel(sentinels.get(0), "SENTINEL", "REPLICAS", master);
                if (list instanceof List<?> l) {
                    for (Object r : l) {
                        if (r instanceof List<?> fields && !field(fields, "flags").contains("down")) {
                            replicas++;
                        }
                    }
                }
                try (RespConnection c = data(oldMaster[0])) {
                    c.call("SET", marker, value);
                    long acked = (Long) c.call("WAIT", Long.toString(replicas), Long.toString(timeout * 1000));
                    if (acked < 1) {
                        throw new StepFailed("no replica acknowledged the marker (" + replicas + " known)");
                    }
                    return marker + " acknowledged by " + acked + "/" + replicas + " replicas";
                }
            });
            CompletableFuture<String> switched = new CompletableFuture<>();
            ok = ok && step("subscribe +switch-master", () -> {
                for (String s : sentinels) {
                    try {
                        RespConnection c = connect(s);
                        subscriptions.add(c);
                        c.call("SUBSCRIBE", "+switch-master");
                        c.timeout(0);
                        Thread t = new Thread(() -> listen(c, switched), "drill-" + s);
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        throw new StepFailed(s + ": " + e.getMessage());
                    }
                }
                return subscriptions.size() + " Sentinels";
            });
            ok = ok && step(kill ? "kill master (SHUTDOWN NOSAVE)" : "SENTINEL FAILOVER", () -> {
                if (kill) {
                    try (RespConnection c = data(oldMaster[0])) {
                        c.call("SHUTDOWN", "NOSAVE");
                        throw new StepFailed("the master answered SHUTDOWN instead of exiting");
                    } catch (IOException expected) {
                        return oldMaster[0] + " went away";
                    } catch (RespConnection.ServerError e) {
                        throw new StepFailed(e.getMessage());
                    }
                }
                Object r = sentinel(sentinels.get(0), "SENTINEL", "FAILOVER", master);
                if (r instanceof Exception e) {
                    throw new StepFailed(e.getMessage());
                }
                return String.valueOf(r);
            });
            ok = ok && step("+switch-master", () -> {
                try {
                    String msg = switched.get(timeout, TimeUnit.SECONDS);
                    String[] w = msg.split(" ");
                    newMaster[0] = w[3] + ":" + w[4];
                    return msg;
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new StepFailed("no +switch-master within " + timeout + " s");
                }
            });
            ok = ok && step("clients reach the new master", () -> {
                String agreed = agreedMaster();
                if (!agreed.equals(newMaster[0])) {
                    throw new StepFailed("Sentinels name " + agreed + ", +switch-master said " + newMaster[0]);
                }
                try (RespConnection c = data(newMaster[0])) {
                    Object role = c.call("ROLE");
                    if (!(role instanceof List<?> l) || !"master".equals(l.get(0))) {
                        throw new StepFailed(newMaster[0] + " answers ROLE " + role);
                    }
                    c.call("SET", marker + ":after", value);
                    return newMaster[0] + " is master and accepts writes";
                }
            });
            ok = ok && step("marker on the new master", () -> {
                try (RespConnection c = data(newMaster[0])) {
                    Object got = c.call("GET", marker);
                    if (!value.equals(got)) {
                        throw new StepFailed("GET " + marker + " = " + got + ", expected " + value);
                    }
                    c.call("DEL", marker, marker + ":after");
                    return "present";
                }
            });
            ok = ok && step("old master returns as replica", () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
                boolean reachable = false;
                String last = "unreachable";
                while (System.nanoTime() < deadline) {
                    try (RespConnection c = data(oldMaster[0])) {
                        reachable = true;
                        Object role = c.call("ROLE");
                        last = String.valueOf(role);
                        if (role instanceof List<?> l && "slave".equals(l.get(0))
                                && newMaster[0].equals(l.get(1) + ":" + l.get(2))
                                && "connected".equals(l.get(3))) {
                            return oldMaster[0] + " replicates " + newMaster[0];
                        }
                    } catch (IOException | RuntimeException e) {
                        last = e.getMessage();
                    }
                    Thread.sleep(100);
                }
                if (kill && !reachable) {
                    throw new StepSkipped("the killed master was not restarted within " + timeout + " s");
                }
                throw new StepFailed("not a connected replica of " + newMaster[0] + " within " + timeout
                        + " s; last ROLE: " + last);
            });
        } finally {
            for (RespConnection c : subscriptions) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // Closing a subscription we no longer read cannot fail in a way that matters.
                }
            }
        }
        long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("master", master);
            doc.put("mode", kill ? "kill" : "failover");
            doc.put("result", failed ? "FAIL" : "PASS");
            doc.put("millis", total);
            doc.put("steps", steps);
            out.println(Json.write(doc));
        } else {
            out.println((failed ? "FAIL" : "PASS") + " drill of " + master + " in " + total + " ms");
        }
        out.flush();
        return failed ? 1 : 0;
    }

    /** Runs one step; records and (in text mode) prints it. Returns whether the drill goes on. */
    private boolean step(String name, Step body) {
        long t0 = System.nanoTime();
        String status;
        String detail;
        try {
            detail = body.run();
            status = "PASS";
        } catch (StepSkipped e) {
            status = "SKIP";
            detail = e.getMessage();
        } catch (StepFailed e) {
            status = "FAIL";
            detail = e.getMessage();
        } catch (Exception e) {
            status = "FAIL";
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("step", name);
        s.put("status", status);
        s.put("millis", ms);
        s.put("detail", detail);
        steps.add(s);
        if (!json) {
            out.printf("%-4s %-32s %6d ms  %s%n", status, name, ms, detail);
            out.flush();
        }
        if (status.equals("FAIL")) {
            failed = true;
            return false;
        }
        return true;
    }

    /** The master address every answering Sentinel agrees on. */
    private String agreedMaster() throws StepFailed {
        String agreed = null;
        List<String> views = new ArrayList<>();
        for (String s : sentinels) {
            Object r = sentinel(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", master);
            String view = r instanceof List<?> l && l.size() == 2 ? l.get(0) + ":" + l.get(1) : String.valueOf(r);
            views.add(s + "=" + view);
            if (!(r instanceof List<?>)) {
                continue;
            }
            if (agreed == null) {
                agreed = view;
            } else if (!agreed.equals(view)) {
                throw new StepFailed("Sentinels disagree: " + views);
            }
        }
        if (agreed == null) {
            throw new StepFailed("no Sentinel knows " + master + ": " + views);
        }
        return agreed;
    }

    private void listen(RespConnection c, CompletableFuture<String> switched) {
        try {
            while (!switched.isDone()) {
                if (c.read() instanceof List<?> msg && msg.size() == 3 && "message".equals(msg.get(0))) {
                    String text = String.valueOf(msg.get(2));
                    if (text.startsWith(master + " ")) {
                        switched.complete(text);
                    }
                }
            }
        } catch (IOException | RuntimeException closed) {
            // The drill closed the subscription, or the Sentinel went away: other Sentinels may still report.
        }
    }

    private static String field(List<?> flat, String name) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (name.equals(flat.get(i))) {
                return String.valueOf(flat.get(i + 1));
            }
        }
        return "";
    }

    private static Object sentinel(String address, String... args) {
        try (RespConnection c = connect(address)) {
            return c.call(args);
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    private static RespConnection connect(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("bad address '" + address + "': expected host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new RespConnection(host, Integer.parseInt(address.substring(colon + 1)), 5000);
    }

    private RespConnection data(String address) throws IOException {
        RespConnection c = connect(address);
        if (password != null) {
            c.call("AUTH", password);
        }
        return c;
    }
}
