package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.config.ConfigException;
import dev.jbert.engine.io.CheckpointException;
import dev.jbert.tokenizer.TokenizerException;
import java.util.concurrent.Callable;

/**
 * Turns the engine's and the tokenizer's exceptions about bad input (a bad config, checkpoint,
 * vocabulary, or an unavailable device) into {@link UserException}s, which the command line reports
 * as one line with exit status 2.
 */
public final class UserErrors {
    private UserErrors() {
    }

    public static <T> T call(Callable<T> body) throws Exception {
        try {
            return body.call();
        } catch (ConfigException | CheckpointException | TokenizerException | BackendUnavailableException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
