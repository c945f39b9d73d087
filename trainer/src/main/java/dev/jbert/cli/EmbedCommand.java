package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Pooling;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.ModelFolder;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sentence embeddings: JSON lines {"text": ...} on stdin, {"embedding": [...]} per line on stdout. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Sentence embeddings for JSON lines {\"text\": ...} read from standard input.")
public final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--pooling", defaultValue = "mean", description = "mean (over real tokens) or cls (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--normalize", description = "L2-normalise each embedding.")
    boolean normalize;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", description = "Truncate texts to this many tokens (default: the model's maximum).")
    Integer maxLength;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws IOException {
        Pooling.Mode mode = switch (pooling.toLowerCase(java.util.Locale.ROOT)) {
            case "mean" -> Pooling.Mode.MEAN;
            case "cls" -> Pooling.Mode.CLS;
            default -> throw new UserException("--pooling must be mean or cls, got '" + pooling + "'");
        };
        if (batchSize < 1) {
            throw new UserException("--batch-size must be at least 1, got " + batchSize);
        }
        Backend backend = device.backend();
        ModelFolder folder = ModelFolder.open(model);
        BertTokenizer tok = folder.tokenizer();
        EncoderModel encoder = folder.loadEncoder(System.err);
        int max = maxLength != null ? maxLength : Math.min(folder.config().maxPositionEmbeddings(), tok.modelMaxLength());
        RunContext ctx = new RunContext(backend);
        ObjectMapper json = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        List<String> batch = new ArrayList<>();
        String line;
        int lineNo = 0;
        try {
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (IOException e) {
                    throw new UserException("stdin line " + lineNo + ": not valid JSON");
                }
                JsonNode text = n == null ? null : n.get("text");
                if (text == null || !text.isTextual()) {
                    throw new UserException("stdin line " + lineNo + ": expected {\"text\": \"...\"}");
                }
                if (text.asText().isEmpty()) {
                    throw new UserException("stdin line " + lineNo + ": the text is empty");
                }
                batch.add(text.asText());
                if (batch.size() == batchSize) {
                    flush(batch, tok, encoder, ctx, max, mode, json, out);
                }
            }
            flush(batch, tok, encoder, ctx, max, mode, json, out);
        } finally {
            out.flush();
        }
        return 0;
    }

    private void flush(List<String> batch, BertTokenizer tok, EncoderModel encoder, RunContext ctx, int max,
                       Pooling.Mode mode, ObjectMapper json, BufferedWriter out) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        ModelInput in = BatchJson.fromTexts(tok, batch, null, max);
        float[] last = encoder.forward(ctx, in, null);
        int c = encoder.hiddenSize();
        float[] emb = Pooling.pool(last, in, c, mode, normalize);
        for (int i = 0; i < batch.size(); i++) {
            ObjectNode o = json.createObjectNode();
            ArrayNode a = o.putArray("embedding");
            for (int j = 0; j < c; j++) {
                a.add(emb[i * c + j]);
            }
            out.write(json.writeValueAsString(o));
            out.write('\n');
        }
        out.flush();
        batch.clear();
    }
}
