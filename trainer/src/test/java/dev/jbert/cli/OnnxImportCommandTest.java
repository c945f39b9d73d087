package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jbert import-onnx} through picocli: argument checks and one-line errors with status 2. */
class OnnxImportCommandTest {
    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new ImportOnnxCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aFileThatIsNotOnnxIsOneLineAndStatus2() throws Exception {
        Path bad = tmp.resolve("notes.onnx");
        Files.writeString(bad, "these are my notes, not a model\n");
        assertEquals(Cli.USER_ERROR, run(bad.toString(), "--output", tmp.resolve("out").toString()));
        String e = err.toString().strip();
        String last = e.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("jbert: " + bad + ": malformed protobuf (not an ONNX file"), e);
        assertEquals(1, e.lines().filter(l -> l.startsWith("jbert:")).count(), e);
        assertTrue(!e.contains("\tat "), "no stack trace: " + e);
        assertEquals("", out.toString());
    }

    @Test
    void needsAFileOrABuiltin() {
        assertEquals(Cli.USER_ERROR, run("--output", tmp.toString()));
        assertTrue(err.toString().contains("give the .onnx FILE to import, or --builtin NAME"), err.toString());
    }

    @Test
    void refusesBothAFileAndABuiltin() {
        assertEquals(Cli.USER_ERROR, run("x.onnx", "--builtin", "all-MiniLM-L6-v2", "--output", tmp.toString()));
        assertTrue(err.toString().contains("not both"), err.toString());
    }

    @Test
    void namesTheBuiltinModelsWhenOneIsUnknown() {
        assertEquals(Cli.USER_ERROR, run("builtin:nope", "--output", tmp.toString()));
        assertTrue(err.toString().contains("built-in models: all-MiniLM-L6-v2"), err.toString());
    }

    @Test
    void outputIsRequired() {
        assertEquals(CommandLine.ExitCode.USAGE, run("builtin:all-MiniLM-L6-v2"));
    }
}
