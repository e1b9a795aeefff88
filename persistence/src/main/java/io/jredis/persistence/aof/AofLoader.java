package io.jredis.persistence.aof;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replays AOF files through the engine as Redis's loadSingleAppendOnlyFile does: each RESP multibulk runs as a
 * command of a fake client whose replies are dropped. Runs before the server starts, so nothing is propagated: the
 * AOF's own listener is installed only after loading.
 */
final class AofLoader {
    /** How one file ended. */
    enum Result { OK, EMPTY, TRUNCATED }

    private final Engine engine;
    private final Log log;
    private final boolean loadTruncated;
    private final Client fake;
    long commandsLoaded;

    AofLoader(Engine engine, Log log, boolean loadTruncated) {
        this.engine = engine;
        this.log = log;
        this.loadTruncated = loadTruncated;
        this.fake = engine.fakeClient();
        fake.replyMode(Client.ReplyMode.OFF);
    }

    /** Thrown inside a file at a command boundary problem; carries where the last whole command ended. */
    private static final class Eof extends Exception {
        Eof() {
            super(null, null, false, false);
        }
    }

    /** Bad file format: carries the offset of the offending byte. */
    private static final class Format extends Exception {
        final long offset;

        Format(long offset) {
            super(null, null, false, false);
            this.offset = offset;
        }
    }

    /** Loads one file, {@code name} as the manifest lists it. */
    Result load(Path file, String name) throws AofException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new AofException("Fatal error: can't open the append log file " + name + " for reading: "
                    + e.getMessage(), e);
        }
        if (size == 0) {
            return Result.EMPTY;
        }
        long validUpTo = 0;
        long validBeforeMulti = -1;
        try (Reader in = new Reader(Files.newInputStream(file))) {
            byte[] sig = in.peek(5);
            if (sig != null && new String(sig, java.nio.charset.StandardCharsets.US_ASCII).equals("REDIS")) {
                log.notice("Reading RDB base file on AOF loading...");
                long end = RdbPreamble.load(engine, file, name, log);
                if (end >= size) {
                    return Result.OK;
                }
                // A 6.x AOF with an RDB preamble goes on with commands.
                log.notice("Reading the remaining AOF tail...");
                in.skip(end);
                validUpTo = end;
            }
            try {
                while (true) {
                    long start = in.pos;
                    byte[] line = in.line();
                    if (line == null) {
                        break;
                    }
                    if (line.length > 0 && line[0] == '#') {
                        validUpTo = in.pos;
                        continue;
                    }
                    if (line.length < 2 || line[0] != '*') {
                        throw new Format(start);
                    }
                    long argc = number(line, start);
                    if (argc < 1) {
                        throw new Format(start);
                    }
                    byte[][] argv = new byte[(int) argc][];
                    for (int j = 0; j < argc; j++) {
                        long at = in.pos;
                        byte[] l = in.line();
                        if (l == null) {
                            throw new Eof();
                        }
                        if (l.length < 2 || l[0] != '$') {
                            throw new Format(at);
                        }
                        long len = number(l, at);
                        if (len < 0 || len > Integer.MAX_VALUE - 2) {
                            throw new Format(at);
                        }
                        argv[j] = in.exact((int) len);
                        byte[] crlf = in.exact(2);
                        if (crlf[0] != '\r' || crlf[1] != '\n') {
                            throw new Format(in.pos - 2);
                        }
                    }
                    if (engine.commands().lookup(argv[0]) == null) {
                        throw new AofException("Unknown command '" + Bytes.str(argv[0])
                                + "' reading the append only file " + name);
                    }
                    if (Bytes.eqIgnoreCase(argv[0], "multi")) {
                        validBeforeMulti = validUpTo;
                    }
                    engine.process(fake, argv);
                    commandsLoaded++;
                    validUpTo = in.pos;
                }
                if (fake.multi() != null) {
                    log.warning("Revert incomplete MULTI/EXEC transaction in AOF file " + name);
                    engine.resetClientState(fake);
                    validUpTo = validBeforeMulti;
                    throw new Eof();
                }
                return Result.OK;
            } catch (Eof e) {
                return truncated(file, name, validUpTo);
            } catch (Format e) {
                log.warning("Bad file format reading the append only file " + name + ": make a backup of your AOF "
                        + "file, then use ./redis-check-aof --fix <filename.manifest>");
                throw new AofException("Bad file format reading the append only file " + name + " at offset "
                        + e.offset + " (last valid command ends at offset " + validUpTo + ")");
            }
        } catch (AofException e) {
            throw e;
        } catch (IOException e) {
            log.warning("Unrecoverable error reading the append only file " + name + ": " + e.getMessage());
            throw new AofException("Unrecoverable error reading the append only file " + name + ": "
                    + e.getMessage(), e);
        }
    }

    private Result truncated(Path file, String name, long validUpTo) throws AofException {
        if (loadTruncated) {
            log.warning("!!! Warning: short read while loading the AOF file " + name + "!!!");
            log.warning("!!! Truncating the AOF " + name + " at offset " + validUpTo + " !!!");
            if (validUpTo == -1) {
                log.warning("Last valid command offset is invalid");
            } else {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(validUpTo);
                    f.getFD().sync();
                    log.warning("AOF " + name + " loaded anyway because aof-load-truncated is enabled");
                    return Result.TRUNCATED;
                } catch (IOException e) {
                    log.warning("Error truncating the AOF file " + name + ": " + e.getMessage());
                }
            }
        }
        log.warning("Unexpected end of file reading the append only file " + name + ". You can: 1) Make a backup "
                + "of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can "
                + "set the 'aof-load-truncated' configuration option to yes and restart the server.");
        throw new AofException("Unexpected end of file reading the append only file " + name
                + " (last valid command ends at offset " + validUpTo + ")");
    }

    /** strtol of the digits after the type byte; anything else is a format error. */
    private static long number(byte[] line, long offset) throws Format {
        long[] out = new long[1];
        if (!Bytes.parseLong(java.util.Arrays.copyOfRange(line, 1, line.length), out)) {
            throw new Format(offset);
        }
        return out[0];
    }

    /** A buffered stream that knows its offset and reads CRLF lines; short reads become {@link Eof}. */
    private static final class Reader implements AutoCloseable {
        private final InputStream in;
        long pos;

        Reader(InputStream raw) {
            this.in = new BufferedInputStream(raw, 1 << 16);
        }

        byte[] peek(int n) throws IOException {
            in.mark(n);
            byte[] b = in.readNBytes(n);
            in.reset();
            return b.length == n ? b : null;
        }

        /** A line without its CRLF; null at a clean end of file; {@link Eof} when the file ends inside it. */
        byte[] line() throws IOException, Eof, Format {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(16);
            long start = pos;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    if (pos == start) {
                        return null;
                    }
                    throw new Eof();
                }
                pos++;
                if (c == '\n') {
                    byte[] b = out.toByteArray();
                    if (b.length == 0 || b[b.length - 1] != '\r') {
                        throw new Format(start);
                    }
                    return java.util.Arrays.copyOf(b, b.length - 1);
                }
                out.write(c);
                if (out.size() > 1 << 16) {
                    throw new Format(start);
                }
            }
        }

        void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long k = in.skip(left);
                if (k <= 0) {
                    throw new IOException("Unexpected end of file while skipping the RDB preamble");
                }
                left -= k;
            }
            pos += n;
        }

        byte[] exact(int n) throws IOException, Eof {
            byte[] b = in.readNBytes(n);
            pos += b.length;
            if (b.length < n) {
                throw new Eof();
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
