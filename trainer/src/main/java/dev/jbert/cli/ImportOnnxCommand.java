package dev.jbert.cli;

import dev.jbert.trainer.onnx.BuiltinModel;
import dev.jbert.trainer.onnx.HfJson;
import dev.jbert.trainer.onnx.ImportResult;
import dev.jbert.trainer.onnx.OnnxImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jbert import-onnx}: a BERT exported to ONNX becomes a Hugging Face model folder. */
@Command(name = "import-onnx", mixinStandardHelpOptions = true,
        description = {"Convert a BERT model exported to ONNX (float32, from PyTorch) into a Hugging Face model folder:",
                "config.json, model.safetensors and, from a tokenizer.json, vocab.txt and tokenizer_config.json.",
                "Prints a JSON summary on stdout."})
public final class ImportOnnxCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "The .onnx file, or builtin:NAME for a model on the class path (builtin:all-MiniLM-L6-v2).")
    private String file;

    @Option(names = "--builtin", paramLabel = "NAME",
            description = "Import a model that ships with jbert instead of a file: all-MiniLM-L6-v2.")
    private String builtin;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The model folder to write.")
    private Path output;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "The model's tokenizer.json (default: NAME-tokenizer.json or tokenizer.json beside FILE,"
                    + " or tokenizer.json in the folder above).")
    private Path tokenizer;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        String builtinName = builtin;
        if (file != null && file.startsWith(BuiltinModel.SCHEME)) {
            builtinName = file;
            if (builtin != null) {
                throw new UserException("give either FILE or --builtin, not both");
            }
        } else if (file != null && builtin != null) {
            throw new UserException("give either FILE or --builtin, not both");
        } else if (file == null && builtin == null) {
            throw new UserException("give the .onnx FILE to import, or --builtin NAME");
        }
        if (builtinName != null && tokenizer != null) {
            throw new UserException("--tokenizer does not apply to a built-in model, which has its own");
        }
        OnnxImporter importer = new OnnxImporter(line -> {
            err.println(line);
            err.flush();
        });
        ImportResult result = builtinName != null ? importer.convertBuiltin(builtinName, output)
                : importer.convert(Path.of(file), tokenizer, output);
        for (String warning : result.warnings()) {
            err.println("warning: " + warning);
        }
        err.flush();
        out.print(HfJson.toText(result.toJson()));
        out.flush();
        return 0;
    }
}
