package dev.jbert.trainer.train;

import dev.jbert.engine.io.IOConsumer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code checkpoint-STEP} folders of an output folder, as Hugging Face's Trainer lays them out.
 *
 * <p>A checkpoint is written whole into {@code tmp-checkpoint-STEP}, its files and the folder forced
 * to disk, then renamed to {@code checkpoint-STEP} in one atomic rename: a run killed while writing
 * leaves a {@code tmp-checkpoint-*} folder that is never taken for a checkpoint (and is removed by the
 * next run), and the checkpoints before it intact. Only folders holding {@value #MARKER} count.
 *
 * <p>Rotation keeps the newest {@code save_total_limit} checkpoints and the best one, as
 * {@code Trainer._rotate_checkpoints}: the best is moved to the second-newest place before the oldest
 * are deleted, and a limit of 1 becomes 2 while the best is not the newest.
 */
public final class CheckpointStore {
    public static final String PREFIX = "checkpoint-";
    public static final String TEMP_PREFIX = "tmp-checkpoint-";
    /** The file written last into a checkpoint: its presence says the checkpoint is complete. */
    public static final String MARKER = TrainerState.FILE_NAME;
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]+)");

    private final Path outputDir;

    public CheckpointStore(Path outputDir) {
        this.outputDir = outputDir;
    }

    public Path outputDir() {
        return outputDir;
    }

    /** The folder of the checkpoint at this step. */
    public Path folder(int step) {
        return outputDir.resolve(PREFIX + step);
    }

    /** Complete checkpoints, oldest (smallest step) first. */
    public List<Path> checkpoints() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir)) {
            for (Path p : ds) {
                if (stepOf(p) >= 0 && Files.isDirectory(p) && Files.isRegularFile(p.resolve(MARKER))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(outputDir + ": cannot list checkpoints: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingInt(CheckpointStore::stepOf));
        return out;
    }

    /** The newest complete checkpoint, or null. */
    public Path latest() {
        List<Path> all = checkpoints();
        return all.isEmpty() ? null : all.getLast();
    }

    /** The step in a {@code checkpoint-STEP} folder name, or -1 for any other name. */
    public static int stepOf(Path folder) {
        Matcher m = NAME.matcher(folder.getFileName().toString());
        if (!m.matches()) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Folders left by interrupted writes ({@code tmp-checkpoint-*}). */
    public List<Path> leftovers() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir, TEMP_PREFIX + "*")) {
            ds.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(outputDir + ": cannot list: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Writes a checkpoint: {@code body} fills a fresh temporary folder (it must write {@link #MARKER}
     * last), which then replaces {@code checkpoint-STEP} atomically. Returns the checkpoint folder.
     */
    public Path save(int step, IOConsumer<Path> body) throws IOException {
        Path temp = outputDir.resolve(TEMP_PREFIX + step);
        deleteTree(temp);
        Files.createDirectories(temp);
        try {
            body.accept(temp);
            if (!Files.isRegularFile(temp.resolve(MARKER))) {
                throw new IllegalStateException("a checkpoint must end with " + MARKER);
            }
            forceFolder(temp);
            Path target = folder(step);
            if (Files.exists(target)) {
                Path old = outputDir.resolve(TEMP_PREFIX + step + "-replaced");
                deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                moveAtomically(temp, target);
                deleteTree(old);
            } else {
                moveAtomically(temp, target);
            }
            forceFolder(outputDir);
            return target;
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Deletes the oldest checkpoints beyond {@code limit} (0: no limit), keeping {@code best} (a
     * checkpoint folder, or null). Returns the deleted folders.
     */
    public List<Path> rotate(int limit, Path best) throws IOException {
        if (limit <= 0) {
            return List.of();
        }
        List<Path> sorted = new ArrayList<>(checkpoints());
        int bestIndex = best == null ? -1 : indexOf(sorted, best);
        if (bestIndex >= 0) {
            for (int i = bestIndex; i < sorted.size() - 2; i++) {
                Path t = sorted.get(i);
                sorted.set(i, sorted.get(i + 1));
                sorted.set(i + 1, t);
            }
        }
        int keep = limit;
        if (bestIndex >= 0 && limit == 1 && !same(sorted.getLast(), best)) {
            keep = 2;
        }
        int delete = Math.max(0, sorted.size() - keep);
        List<Path> deleted = new ArrayList<>(sorted.subList(0, delete));
        for (Path p : deleted) {
            deleteTree(p);
        }
        return deleted;
    }

    private static int indexOf(List<Path> list, Path p) {
        for (int i = 0; i < list.size(); i++) {
            if (same(list.get(i), p)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean same(Path a, Path b) {
        return a.getFileName().equals(b.getFileName());
    }

    /** Removes leftovers of interrupted writes; returns them. */
    public List<Path> removeLeftovers() throws IOException {
        List<Path> l = leftovers();
        for (Path p : l) {
            deleteTree(p);
        }
        return l;
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder and everything in it (nothing when absent). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void forceFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open a folder; the rename has happened all the same
        }
    }
}
