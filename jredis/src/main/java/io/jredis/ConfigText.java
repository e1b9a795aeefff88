package io.jredis;

import java.nio.charset.StandardCharsets;

/** Writing values into redis.conf text, which jredis parses as bytes seen as ISO-8859-1 characters. */
final class ConfigText {
    private ConfigText() {}

    /**
     * Redis's {@code sdscatrepr} over the UTF-8 bytes of {@code value}: always double-quoted, C escapes, other
     * non-printable bytes as {@code \xHH}. Any value, empty or binary, reads back intact.
     */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c < ' ' || c > 126) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.append((char) c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Unquoted text (a directive name) as config text: its UTF-8 bytes, one character each. */
    static String raw(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
