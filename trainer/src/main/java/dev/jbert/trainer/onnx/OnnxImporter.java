package dev.jbert.trainer.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.io.AtomicFiles;
import dev.jbert.engine.io.SafeTensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns a BERT model exported to ONNX (float32, from PyTorch) into a Hugging Face model folder:
 * {@code config.json}, {@code model.safetensors} (BertModel names, {@code format: pt}) and, from
 * the tokenizer.json, {@code tokenizer.json}, {@code vocab.txt}, {@code tokenizer_config.json} and
 * {@code special_tokens_map.json}. Everything is read and checked before the first file is
 * written, and every file is written atomically. Bad input is a {@link UserException} naming the
 * file and the problem.
 *
 * <p>Weights are named by {@link BertWeightMapper}; the config is derived by {@link BertConfigDeriver}.
 */
public final class OnnxImporter {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB = "vocab.txt";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private final Consumer<String> log;

    /** An importer that reports progress to {@code log} (one line each: "reading ..."). */
    public OnnxImporter(Consumer<String> log) {
        this.log = log;
    }

    public OnnxImporter() {
        this(line -> { });
    }

    /** Imports an .onnx file; a tokenizer.json beside it (or in the folder above) is used where found. */
    public static ImportResult importModel(Path onnx, Path outDir) {
        return new OnnxImporter().convert(onnx, null, outDir);
    }

    /** Imports ONNX bytes from a stream (closed here), without a tokenizer. */
    public static ImportResult importModel(InputStream onnx, Path outDir) {
        return new OnnxImporter().convert(onnx, "<stream>", null, null, outDir);
    }

    /** Imports a model that ships on the class path, e.g. {@code all-MiniLM-L6-v2}. */
    public static ImportResult importBuiltin(String name, Path outDir) {
        return new OnnxImporter().convertBuiltin(name, outDir);
    }

    public ImportResult convertBuiltin(String name, Path outDir) {
        BuiltinModel model = BuiltinModel.named(name);
        return convert(model.openOnnx(), model.label(false), model.openTokenizerJson(), model.label(true), outDir);
    }

    /**
     * Imports an .onnx file, memory-mapped. {@code tokenizerJson} may be null: then
     * {@code NAME-tokenizer.json} or {@code tokenizer.json} beside the file, or
     * {@code tokenizer.json} in the folder above it (the Hugging Face {@code onnx/} layout).
     */
    public ImportResult convert(Path onnx, Path tokenizerJson, Path outDir) {
        String label = onnx.toString();
        Path tokenizer = tokenizerJson != null ? tokenizerJson : findTokenizer(onnx);
        byte[] tokenizerBytes = tokenizer == null ? null : readFile(tokenizer);
        Converted converted;
        try (FileChannel channel = FileChannel.open(onnx, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new UserException(label + ": " + size + " bytes is more than a protobuf can hold (2 GB); such"
                        + " models keep their weights in external data files, which the importer does not read");
            }
            log.accept("reading " + label + " (" + size + " bytes)");
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            converted = convert(segment.asByteBuffer(), label, tokenizerBytes,
                    tokenizer == null ? null : tokenizer.toString());
        } catch (NoSuchFileException e) {
            throw new UserException(label + ": no such file", e);
        } catch (IOException e) {
            throw new UserException(label + ": cannot read: " + e.getMessage(), e);
        }
        if (tokenizer == null) {
            converted.warnings.add("no tokenizer.json beside " + label + ": the folder has no vocab.txt"
                    + " (pass one with --tokenizer)");
        }
        return write(converted, label, outDir);
    }

    /** Imports ONNX bytes from a stream; {@code tokenizerJson} may be null. Both streams are closed here. */
    public ImportResult convert(InputStream onnx, String label, InputStream tokenizerJson, String tokenizerLabel,
                                Path outDir) {
        byte[] tokenizerBytes = tokenizerJson == null ? null : BuiltinModel.readAll(tokenizerJson, tokenizerLabel);
        log.accept("reading " + label);
        Converted converted = convert(ByteBuffer.wrap(BuiltinModel.readAll(onnx, label)), label, tokenizerBytes,
                tokenizerLabel);
        if (tokenizerJson == null) {
            converted.warnings.add("no tokenizer.json given: the folder has no vocab.txt");
        }
        return write(converted, label, outDir);
    }

    /** Everything the folder needs, checked; the ONNX bytes are no longer referenced. */
    private record Converted(MappedWeights weights, ObjectNode config, byte[] tokenizerBytes,
                             WordPieceTokenizerJson tokenizer, List<String> warnings) {
    }

    private Converted convert(ByteBuffer bytes, String label, byte[] tokenizerBytes, String tokenizerLabel) {
        WordPieceTokenizerJson tokenizer = tokenizerBytes == null ? null
                : WordPieceTokenizerJson.parse(tokenizerBytes, tokenizerLabel);
        OnnxGraph graph;
        try {
            OnnxModel model = OnnxModelReader.read(bytes);
            graph = model.graph();
            log.accept("parsed " + graph.nodes().size() + " nodes and " + graph.initializers().size()
                    + " initializers (ir_version " + model.irVersion() + ", opset " + model.opsetVersion()
                    + (model.producerName().isEmpty() ? "" : ", from " + model.producerName() + " "
                    + model.producerVersion()) + ")");
        } catch (OnnxFormatException e) {
            throw new UserException(label + ": " + e.getMessage(), e);
        }
        try {
            MappedWeights weights = new BertWeightMapper(graph).map();
            BertConfigDeriver deriver = new BertConfigDeriver(graph, weights.tensors());
            ObjectNode config = deriver.derive(tokenizer == null ? 0 : tokenizer.padTokenId());
            List<String> warnings = new ArrayList<>(deriver.warnings());
            if (tokenizer != null && tokenizer.vocab().length != config.path("vocab_size").asInt()) {
                warnings.add("the tokenizer has " + tokenizer.vocab().length + " tokens, the word embeddings "
                        + config.path("vocab_size").asInt() + " rows");
            }
            return new Converted(weights, config, tokenizerBytes, tokenizer, warnings);
        } catch (OnnxFormatException e) {
            throw new UserException(label + ": " + e.getMessage() + fusedOpsHint(graph), e);
        }
    }

    private ImportResult write(Converted c, String label, Path outDir) {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new UserException(outDir + ": exists and is not a folder");
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(outDir);
            files.add(outDir.resolve(CONFIG));
            HfJson.write(files.getLast(), c.config);
            files.add(outDir.resolve(WEIGHTS));
            log.accept("writing " + files.getLast() + " (" + c.weights.tensors().size() + " tensors, "
                    + c.weights.parameterCount() + " parameters)");
            SafeTensorsWriter.write(files.getLast(), c.weights.tensors(), Map.of("format", "pt"));
            if (c.tokenizer != null) {
                files.add(outDir.resolve(TOKENIZER_JSON));
                AtomicFiles.writeBytes(files.getLast(), c.tokenizerBytes);
                files.add(outDir.resolve(VOCAB));
                c.tokenizer.writeVocab(files.getLast());
                files.add(outDir.resolve(TOKENIZER_CONFIG));
                HfJson.write(files.getLast(), c.tokenizer.tokenizerConfig(c.config.path("max_position_embeddings").asInt()));
                files.add(outDir.resolve(SPECIAL_TOKENS_MAP));
                HfJson.write(files.getLast(), c.tokenizer.specialTokensMap());
            }
        } catch (IOException e) {
            throw new UserException((files.isEmpty() ? outDir : files.getLast()) + ": cannot write: " + e.getMessage(), e);
        }
        log.accept("wrote " + outDir);
        return new ImportResult(label, outDir, List.copyOf(files), c.weights.tensors().size(),
                c.weights.parameterCount(), c.config, c.weights.skipped(), List.copyOf(c.warnings));
    }

    /** A hint where ONNX Runtime has fused the graph: its weights no longer match Hugging Face's one to one. */
    private static String fusedOpsHint(OnnxGraph graph) {
        TreeSet<String> fused = new TreeSet<>();
        for (OnnxNode n : graph.nodes()) {
            if (n.domain().startsWith("com.microsoft")) {
                fused.add(n.opType());
            }
        }
        return fused.isEmpty() ? "" : " (the graph uses ONNX Runtime's fused operators " + fused
                + "; import the plain export, not an optimized one)";
    }

    static Path findTokenizer(Path onnx) {
        Path dir = onnx.toAbsolutePath().getParent();
        String file = onnx.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(stem + "-tokenizer.json"));
        candidates.add(dir.resolve(TOKENIZER_JSON));
        if (dir.getParent() != null) {
            candidates.add(dir.getParent().resolve(TOKENIZER_JSON));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
