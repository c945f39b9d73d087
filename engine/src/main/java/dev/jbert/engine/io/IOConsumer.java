package dev.jbert.engine.io;

import java.io.IOException;

/** A consumer that may throw {@link IOException}: the body that writes a file's content. */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T value) throws IOException;
}
