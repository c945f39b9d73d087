package dev.jbert.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path f = tmp.resolve("sub/dir/results.json");
        AtomicFiles.writeString(f, "{\"a\": 1}\n");
        assertEquals("{\"a\": 1}\n", Files.readString(f));
        AtomicFiles.writeBytes(f, "é".getBytes(StandardCharsets.UTF_8));
        assertEquals("é", Files.readString(f));
        AtomicFiles.write(f, out -> {
            out.write('x');
            out.close(); // allowed: only flushes
        });
        assertEquals("x", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void failureMidwayLeavesThePreviousFileIntact() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        AtomicFiles.writeString(f, "previous content");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[200_000]); // more than the buffer: bytes reach the temporary file
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("previous content", Files.readString(f));
        assertEquals(List.of(f), files(), "the temporary file is removed");

        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the body");
        }));
        assertEquals("previous content", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void failureWithoutPreviousFileLeavesNothing() throws IOException {
        Path f = tmp.resolve("new.txt");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IOException("boom");
        }));
        assertEquals(List.of(), files());
    }

    @Test
    void refusesToReplaceAFolder() throws IOException {
        Path d = Files.createDirectory(tmp.resolve("d"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(d, "x"));
        assertTrue(e.getMessage().contains("folder"), e.getMessage());
        assertTrue(Files.isDirectory(d));
    }
}
