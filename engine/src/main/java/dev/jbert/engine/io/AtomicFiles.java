package dev.jbert.engine.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees either the old content or the new, never a part: the
 * content goes to a temporary file in the same folder ({@code .NAME.RANDOM.tmp}), is forced
 * to disk, then renamed over the target ({@code ATOMIC_MOVE}, or {@code REPLACE_EXISTING}
 * where the file system cannot rename atomically), and the folder is forced too. If anything
 * fails, the temporary file is deleted and an existing target is left as it was.
 * Missing parent folders are created.
 */
public final class AtomicFiles {
    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {
    }

    /** Writes a string as UTF-8. */
    public static void writeString(Path target, String content) throws IOException {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /**
     * Runs {@code body} on a buffered stream into the temporary file, then publishes the file.
     * The body must not keep the stream; closing it is allowed and only flushes.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        writeChannel(target, channel -> {
            OutputStream raw = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            try (OutputStream out = new BufferedOutputStream(raw, BUFFER)) {
                body.accept(out);
            }
        });
    }

    /**
     * Like {@link #write}, but hands the body the temporary file's {@link FileChannel} itself,
     * for bulk writes of {@code ByteBuffer}s. The body must not close the channel.
     */
    public static void writeChannel(Path target, IOConsumer<FileChannel> body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new IOException(target + ": is a folder, cannot write a file there");
        }
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + absolute.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.accept(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
        forceFolder(dir);
    }

    /** Makes the rename durable where the platform allows opening a folder (Linux, macOS). */
    private static void forceFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; the rename itself has happened.
        }
    }
}
