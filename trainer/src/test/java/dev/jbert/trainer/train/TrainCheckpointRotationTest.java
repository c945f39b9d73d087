package dev.jbert.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckpointStore}: atomic saves, what counts as a checkpoint, and Hugging Face's rotation
 * ({@code _rotate_checkpoints}): the newest {@code save_total_limit} are kept, and the best too.
 */
class TrainCheckpointRotationTest {
    @TempDir
    Path out;

    private CheckpointStore store() {
        return new CheckpointStore(out);
    }

    private void save(int step) throws IOException {
        store().save(step, dir -> {
            Files.writeString(dir.resolve("weights"), "step " + step);
            Files.writeString(dir.resolve(CheckpointStore.MARKER), "{}");
        });
    }

    private List<String> names() {
        return store().checkpoints().stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void keepsTheNewest() throws IOException {
        for (int s : new int[] {10, 20, 30, 40}) {
            save(s);
        }
        assertEquals(List.of("checkpoint-10", "checkpoint-20", "checkpoint-30", "checkpoint-40"), names(),
                "sorted by step, not by name");
        store().rotate(2, null);
        assertEquals(List.of("checkpoint-30", "checkpoint-40"), names());
    }

    @Test
    void keepsTheBestBesideTheNewest() throws IOException {
        for (int s : new int[] {10, 20, 30, 40}) {
            save(s);
        }
        store().rotate(2, out.resolve("checkpoint-10"));
        assertEquals(List.of("checkpoint-10", "checkpoint-40"), names());
    }

    @Test
    void aLimitOfOneKeepsTwoWhileTheBestIsNotTheNewest() throws IOException {
        save(1);
        save(2);
        save(3);
        store().rotate(1, out.resolve("checkpoint-2"));
        assertEquals(List.of("checkpoint-2", "checkpoint-3"), names());
        store().rotate(1, out.resolve("checkpoint-3"));
        assertEquals(List.of("checkpoint-3"), names());
    }

    @Test
    void aFailedWriteLeavesNoCheckpointAndTheOldOnesIntact() throws IOException {
        save(5);
        assertThrows(IOException.class, () -> store().save(10, dir -> {
            Files.writeString(dir.resolve("weights"), "half");
            throw new IOException("disk full");
        }));
        assertEquals(List.of("checkpoint-5"), names());
        assertEquals("step 5", Files.readString(out.resolve("checkpoint-5/weights")));
        assertTrue(store().leftovers().isEmpty(), "the temporary folder is cleaned up");
    }

    @Test
    void leftoversAndIncompleteFoldersAreNotCheckpoints() throws IOException {
        save(5);
        Files.createDirectories(out.resolve("tmp-checkpoint-10"));
        Files.createDirectories(out.resolve("checkpoint-7")); // no trainer_state.json
        Files.createDirectories(out.resolve("checkpoint-x"));
        assertEquals(out.resolve("checkpoint-5"), store().latest());
        assertEquals(1, store().removeLeftovers().size());
        assertTrue(Files.notExists(out.resolve("tmp-checkpoint-10")));
    }

    @Test
    void savingTheSameStepAgainReplacesIt() throws IOException {
        save(5);
        store().save(5, dir -> {
            Files.writeString(dir.resolve("weights"), "again");
            Files.writeString(dir.resolve(CheckpointStore.MARKER), "{}");
        });
        assertEquals("again", Files.readString(out.resolve("checkpoint-5/weights")));
        assertTrue(store().leftovers().isEmpty());
    }

    @Test
    void emptyFolderHasNoLatest() {
        assertNull(new CheckpointStore(out.resolve("none")).latest());
    }
}
