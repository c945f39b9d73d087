package dev.jbert.trainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.cli.Cli;
import dev.jbert.cli.ServeCommand;
import dev.jbert.engine.config.ModelType;
import dev.jbert.trainer.train.TrainFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jbert serve}'s flags: a bad one is one line on stderr and exit status 2, before anything listens. */
@Timeout(60)
class ServeCommandTest {
    @TempDir
    static Path tmp;

    record Run(int status, String err) {
    }

    static Run serve(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(new ServeCommand());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int status = cl.execute(args);
        return new Run(status, err.toString());
    }

    @Test
    void badFlagsAreOneLineErrors() throws Exception {
        Path model = ServeFixtures.sentimentModel(tmp);
        Path base = TrainFixtures.tinyModel(tmp.resolve("base"), ModelType.BERT, 1);
        List<List<String>> cases = List.of(
                List.of("--model", model.toString(), "--max-body", "lots", "--max-body"),
                List.of("--model", model.toString(), "--port", "70000", "--port"),
                List.of("--model", model.toString(), "--max-batch", "0", "--max-batch"),
                List.of("--model", model.toString(), "--max-text-chars", "-1", "--max-text-chars"),
                List.of("--model", model.toString(), "--queue", "0", "--queue"),
                List.of("--model", model.toString(), "--timeout", "0", "--timeout"),
                List.of("--model", model.toString(), "--threshold", "1.5", "--threshold"),
                List.of("--model", model.toString(), "--threads", "0", "--threads"),
                List.of("--model", tmp.resolve("absent").toString(), "not a model folder"),
                List.of("--model", base.toString(), "no classification head"));
        for (List<String> c : cases) {
            Run r = serve(c.subList(0, c.size() - 1).toArray(new String[0]));
            assertEquals(Cli.USER_ERROR, r.status(), c + ": " + r.err());
            List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("Some weights")).toList();
            assertEquals(1, lines.size(), c + ": one line, no stack trace: " + r.err());
            assertTrue(lines.getFirst().startsWith("jbert: ") && lines.getFirst().contains(c.getLast()),
                    c + ": expected '" + c.getLast() + "' in: " + r.err());
        }
    }

    @Test
    void sizesReadAsUsersWriteThem() {
        assertEquals(1 << 20, ByteSize.parse("1MB", "--max-body"));
        assertEquals(1 << 20, ByteSize.parse("1 MiB", "--max-body"));
        assertEquals(512 * 1024, ByteSize.parse("512kb", "--max-body"));
        assertEquals(1000, ByteSize.parse("1000", "--max-body"));
        assertEquals("1 MB", ByteSize.format(1 << 20));
        assertEquals("4 KB", ByteSize.format(4096));
        assertEquals("1000 bytes", ByteSize.format(1000));
    }
}
