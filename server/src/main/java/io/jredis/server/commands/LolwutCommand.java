package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LOLWUT [VERSION v] [args...] (Redis's lolwut.c, lolwut5.c, lolwut6.c). The version picks the art: 5 draws Georg
 * Nees's "Schotter" in Braille characters, 6 a skyline of 8-bit skyscrapers in terminal colours, and every other
 * version (the server's own, 7.0.15, included) only names the server version. The drawings are random, as in Redis,
 * whose C {@code float} arithmetic and rounding the geometry reproduces so the shapes and sizes are Redis's.
 */
public final class LolwutCommand {
    /** C's RAND_MAX on glibc. */
    private static final int RAND_MAX = Integer.MAX_VALUE;

    private LolwutCommand() {}

    public static void register(Engine engine) {
        engine.commands().register("lolwut", LolwutCommand::lolwut);
    }

    private static void lolwut(Client c, byte[][] argv) {
        String version = Engine.REDIS_VERSION;
        byte[][] args = argv;
        if (argv.length >= 3 && Bytes.eqIgnoreCase(argv[1], "version")) {
            Long v = Bytes.toLong(argv[2]);
            if (v == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            // Redis prints the version as "%u.0.0" of an unsigned int and then looks at its first characters.
            version = Integer.toUnsignedString(v.intValue()) + ".0.0";
            args = Arrays.copyOfRange(argv, 2, argv.length);
        }
        char v0 = version.charAt(0);
        char v1 = version.charAt(1);
        char v2 = version.length() > 2 ? version.charAt(2) : 0;
        if ((v0 == '5' && v1 == '.' && v2 != '9') || (v0 == '4' && v1 == '.' && v2 == '9')) {
            schotter(c, args);
        } else if ((v0 == '6' && v1 == '.' && v2 != '9') || (v0 == '5' && v1 == '.' && v2 == '9')) {
            skyline(c, args);
        } else {
            c.reply().verbatim("Redis ver. " + Engine.REDIS_VERSION + "\n");
        }
    }

    /**
     * The optional numeric arguments from {@code args[1]} on, clamped to [1, max], over {@code defaults}; null (after
     * replying the error) when one is not an integer.
     */
    private static long[] numbers(Client c, byte[][] args, long[] defaults, long max) {
        long[] out = defaults.clone();
        for (int i = 0; i < out.length && i + 1 < args.length; i++) {
            Long n = Bytes.toLong(args[i + 1]);
            if (n == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return null;
            }
            out[i] = n;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(1, Math.min(max, out[i]));
        }
        return out;
    }

    private static int rand() {
        return ThreadLocalRandom.current().nextInt() & RAND_MAX;
    }

    /** C's round(): halves away from zero. */
    private static int round(double v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
    }

    /** A grid of pixels; drawing outside it is ignored and reading outside it gives 0. */
    private static final class Canvas {
        final int width;
        final int height;
        final byte[] pixels;

        Canvas(int width, int height, int background) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            Arrays.fill(pixels, (byte) background);
        }

        void set(int x, int y, int color) {
            if (x >= 0 && x < width && y >= 0 && y < height) {
                pixels[x + y * width] = (byte) color;
            }
        }

        int get(int x, int y) {
            return x < 0 || x >= width || y < 0 || y >= height ? 0 : pixels[x + y * width];
        }

        /** Bresenham's line. */
        void line(int x1, int y1, int x2, int y2, int color) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int sx = x1 < x2 ? 1 : -1;
            int sy = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                set(x1, y1, color);
                if (x1 == x2 && y1 == y2) {
                    return;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += sx;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += sy;
                }
            }
        }

        /**
         * A square centred on x,y with the given side, rotated by angle: its corners are four points 90 degrees
         * apart on the circle around it, starting at 45 degrees plus the angle.
         */
        void square(int x, int y, float side, float angle, int color) {
            float radius = round((float) (side / 1.4142135623));
            int[] px = new int[4];
            int[] py = new int[4];
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = round(Math.sin(k) * radius + x);
                py[j] = round(Math.cos(k) * radius + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
            }
        }
    }

    /** LOLWUT VERSION 5 [columns] [squares-per-row] [squares-per-col]: defaults 66, 8, 12, each in [1, 1000|200]. */
    private static void schotter(Client c, byte[][] args) {
        long[] n = numbers(c, args, new long[] {66, 8, 12}, 1000);
        if (n == null) {
            return;
        }
        int cols = (int) n[0];
        int perRow = (int) Math.min(200, n[1]);
        int perCol = (int) Math.min(200, n[2]);
        int width = cols * 2;
        int padding = width > 4 ? 2 : 0;
        float side = (float) (width - padding * 2) / perRow;
        Canvas canvas = new Canvas(width, (int) (side * perCol + padding * 2), 0);
        for (int y = 0; y < perCol; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * side + side / 2 + padding);
                int sy = (int) (y * side + side / 2 + padding);
                float angle = 0;
                if (y > 1) {
                    // Chaos grows with the row: rotation and offset up to y/perCol of a third of a side.
                    float r1 = (float) rand() / (float) RAND_MAX / perCol * y;
                    float r2 = (float) rand() / (float) RAND_MAX / perCol * y;
                    float r3 = (float) rand() / (float) RAND_MAX / perCol * y;
                    if (rand() % 2 != 0) {
                        r1 = -r1;
                    }
                    if (rand() % 2 != 0) {
                        r2 = -r2;
                    }
                    if (rand() % 2 != 0) {
                        r3 = -r3;
                    }
                    angle = r1;
                    sx += r2 * side / 3;
                    sy += r3 * side / 3;
                }
                canvas.square(sx, sy, side, angle, 1);
            }
        }
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < canvas.height; y += 4) {
            for (int x = 0; x < canvas.width; x += 2) {
                // One Braille character holds 2x4 pixels; bits 0-2 and 3-5 are the columns' top three dots.
                int dots = canvas.get(x, y) | canvas.get(x, y + 1) << 1 | canvas.get(x, y + 2) << 2
                        | canvas.get(x + 1, y) << 3 | canvas.get(x + 1, y + 1) << 4 | canvas.get(x + 1, y + 2) << 5
                        | canvas.get(x, y + 3) << 6 | canvas.get(x + 1, y + 3) << 7;
                text.append((char) (0x2800 + dots));
            }
            if (y != canvas.height - 1) {
                text.append('\n');
            }
        }
        text.append("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ").append(Engine.REDIS_VERSION)
                .append('\n');
        c.reply().verbatim(text.toString());
    }

    /** LOLWUT VERSION 6 [columns] [rows]: defaults 80, 20, each in [1, 1000]. */
    private static void skyline(Client c, byte[][] args) {
        long[] n = numbers(c, args, new long[] {80, 20}, 1000);
        if (n == null) {
            return;
        }
        Canvas canvas = new Canvas((int) n[0], (int) n[1], 3);
        // Two grays of windowless background buildings, the lighter drawn first so it stays behind.
        for (int color = 2; color >= 1; color--) {
            for (int offset = -10; offset < canvas.width;) {
                offset += rand() % 8;
                int width = 10 + rand() % 9;
                int height = canvas.height / 2 + rand() % canvas.height / (color == 2 ? 2 : 3);
                skyscraper(canvas, offset, width, height, false, color);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < canvas.width;) {
            offset += rand() % 8;
            int width = 5 + rand() % 14;
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = canvas.height / 3 + rand() % canvas.height / 2;
            skyscraper(canvas, offset, width, height, true, 0);
            offset += width + 5;
        }
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < canvas.height; y++) {
            for (int x = 0; x < canvas.width; x++) {
                String escape = switch (canvas.get(x, y)) {
                    case 1 -> "0;90;100m";
                    case 2 -> "0;37;47m";
                    case 3 -> "0;97;107m";
                    default -> "0;30;40m";
                };
                text.append("\033[").append(escape).append(" \033[0m");
            }
            if (y != canvas.height - 1) {
                text.append('\n');
            }
        }
        text.append("\nDedicated to the 8 bit game developers of past and present.\n"
                + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ").append(Engine.REDIS_VERSION)
                .append('\n');
        c.reply().verbatim(text.toString());
    }

    /**
     * One building standing on the bottom row, its roof two pixels narrower on each side; with windows, two pixels
     * wide and one tall (terminal cells are not square), of a random gray other than the wall's.
     */
    private static void skyscraper(Canvas canvas, int xoff, int width, int height, boolean windows, int color) {
        int starty = canvas.height - 1;
        int endy = starty - height + 1;
        for (int y = starty; y >= endy; y--) {
            for (int x = xoff; x < xoff + width; x++) {
                if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) {
                    continue;
                }
                int pixel = color;
                if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
                    int relx = x - (xoff + 1);
                    int rely = y - (endy + 1);
                    if (relx / 2 % 2 != 0 && rely % 2 != 0) {
                        do {
                            pixel = 1 + rand() % 2;
                        } while (pixel == color);
                        if (relx % 2 != 0) {
                            pixel = canvas.get(x - 1, y);
                        }
                    }
                }
                canvas.set(x, y, pixel);
            }
        }
    }
}
