package dev.jbert.engine.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (golden data); tests that need it skip, saying so, when it is absent. */
public final class Shared {
    private Shared() {
    }

    public static Path dir() {
        String p = System.getProperty("jbert.shared.dir", "../shared");
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** The path under ../shared, or a skipped test when it is not there. */
    public static Path require(String relative) {
        Path p = dir().resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p + " is absent (../shared golden data not available)");
        return p;
    }
}
