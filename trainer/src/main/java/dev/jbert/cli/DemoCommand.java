package dev.jbert.cli;

import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.trainer.onnx.OnnxImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job on a built-in default: the pretrained all-MiniLM-L6-v2 (shipped on Maven Central
 * as ONNX, imported into a Hugging Face folder), fine-tuned on a small sentiment data set written
 * for the project, evaluated, and asked about a few sentences. Every step is one of the ordinary
 * commands ({@code import-onnx}, {@code train}, {@code eval}, {@code predict}) run with the
 * arguments it prints, so a user can repeat any of them by hand.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Fine-tune the built-in all-MiniLM-L6-v2 on a built-in sentiment set, evaluate, predict.")
public final class DemoCommand implements Callable<Integer> {
    private static final String DATA = "/dev/jbert/demo/";

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "jbert-demo",
            description = "Where the base model, the data and the fine-tuned model go (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        Path base = workDir.resolve("all-MiniLM-L6-v2");
        Path data = workDir.resolve("data");
        Path out = workDir.resolve("sentiment-model");
        Files.createDirectories(data);
        if (!Files.exists(base.resolve("model.safetensors"))) {
            System.err.println("demo: importing the built-in all-MiniLM-L6-v2 (ONNX from Maven Central) into " + base);
            OnnxImporter.importBuiltin("all-MiniLM-L6-v2", base);
        } else {
            System.err.println("demo: using the base model in " + base);
        }
        Path train = extract("sentiment-train.csv", data);
        Path dev = extract("sentiment-dev.csv", data);
        List<String> trainArgs = new ArrayList<>(List.of("train", "--model", base.toString(), "--train", train.toString(),
                "--validation", dev.toString(), "--output", out.toString(), "--overwrite-output-dir",
                "--epochs", Integer.toString(epochs), "--batch-size", "16", "--learning-rate", "1e-4",
                "--warmup-ratio", "0.1", "--eval-strategy", "epoch", "--save-strategy", "no", "--logging-steps", "5",
                "--max-length", "64"));
        if (threads != null) {
            trainArgs.add("--threads");
            trainArgs.add(threads.toString());
        }
        int status = step(trainArgs);
        if (status != 0) {
            return status;
        }
        status = step(List.of("eval", "--model", out.toString(), "--data", dev.toString()));
        if (status != 0) {
            return status;
        }
        return step(List.of("predict", "--model", out.toString(), "--top-k", "all",
                "--text", "An absolute delight from the first page to the last.",
                "--text", "The battery died after two days and support never answered.",
                "--text", "Not bad at all, I would happily stay here again.",
                "--text", "I wanted to like it, but the plot made no sense."));
    }

    private static int step(List<String> args) {
        System.err.println();
        System.err.println("demo: jbert " + String.join(" ", args.stream().map(DemoCommand::quote).toList()));
        CommandLine cl = Cli.commandLine(new Main());
        return cl.execute(args.toArray(String[]::new));
    }

    private static String quote(String a) {
        return a.contains(" ") ? "\"" + a + "\"" : a;
    }

    private static Path extract(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = DemoCommand.class.getResourceAsStream(DATA + name)) {
            if (in == null) {
                throw new UserException("the built-in demo data " + name + " is missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            AtomicFiles.writeBytes(target, bytes);
        }
        return target;
    }
}
