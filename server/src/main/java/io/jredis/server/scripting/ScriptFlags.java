package io.jredis.server.scripting;

import io.jredis.server.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Script and function flags (Redis's scripts_flags_def) and the {@code #!lua} shebang of EVAL scripts. */
final class ScriptFlags {
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 1 << 1;
    static final int ALLOW_STALE = 1 << 2;
    static final int NO_CLUSTER = 1 << 3;
    /** An EVAL script without shebang: the pre-7.0 behaviour, where flags come from the commands it runs. */
    static final int EVAL_COMPAT_MODE = 1 << 4;
    static final int ALLOW_CROSS_SLOT = 1 << 5;

    static final String[] NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};
    private static final int[] BITS = {NO_WRITES, ALLOW_OOM, ALLOW_STALE, NO_CLUSTER, ALLOW_CROSS_SLOT};

    private ScriptFlags() {}

    /** The bit of a flag name (exact, case-sensitive as EVAL shebangs are), or 0. */
    static int bit(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return BITS[i];
            }
        }
        return 0;
    }

    /** The bit of a flag name compared case-insensitively (redis.register_function), or 0. */
    static int bitIgnoreCase(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(name)) {
                return BITS[i];
            }
        }
        return 0;
    }

    /** Flag names in Redis's order, for FUNCTION LIST. */
    static List<String> names(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }

    /** The flags and shebang length of an EVAL script, or the error text (without "ERR "). */
    record Shebang(int flags, int length, String error) {}

    /** Redis's evalExtractShebangFlags. */
    static Shebang parse(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return new Shebang(EVAL_COMPAT_MODE, 0, null);
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        if (end == body.length) {
            return new Shebang(0, 0, "Invalid script shebang");
        }
        List<byte[]> parts = SplitArgs.split(java.util.Arrays.copyOf(body, end));
        if (parts == null || parts.isEmpty()) {
            return new Shebang(0, 0, "Invalid engine in script shebang");
        }
        String engine = new String(parts.get(0), StandardCharsets.UTF_8);
        if (!engine.equals("#!lua")) {
            return new Shebang(0, 0, "Unexpected engine in script shebang: " + engine);
        }
        int flags = 0;
        for (int j = 1; j < parts.size(); j++) {
            String part = new String(parts.get(j), StandardCharsets.UTF_8);
            if (!part.startsWith("flags=")) {
                return new Shebang(0, 0, "Unknown lua shebang option: " + part);
            }
            String list = part.substring(6);
            for (String f : list.isEmpty() ? new String[0] : list.split(",", -1)) {
                int b = bit(f);
                if (b == 0) {
                    return new Shebang(0, 0, "Unexpected flag in script shebang: " + f);
                }
                flags |= b;
            }
        }
        return new Shebang(flags, end, null);
    }
}
