package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.nn.CheckpointMapper;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.Initializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small models and data sets for the training tests: a tiny random BERT or DistilBERT base model
 * (no head) with a word-level vocabulary, a sentiment CSV it can learn, and the golden tiny models
 * with pre-tokenized rows made from {@code inputs.json}.
 */
public final class TrainFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> POSITIVE = List.of("good", "great", "fun", "lovely", "superb", "brilliant");
    static final List<String> NEGATIVE = List.of("bad", "awful", "boring", "dull", "poor", "terrible");
    static final List<String> NEUTRAL = List.of("the", "movie", "film", "was", "is", "a", "plot", "acting", "really",
            "quite", "story", "ending");

    private TrainFixtures() {
    }

    /** The vocabulary of the tiny models: BERT's special tokens, then the words above. */
    public static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        v.addAll(POSITIVE);
        v.addAll(NEGATIVE);
        v.addAll(NEUTRAL);
        v.add(",");
        v.add(".");
        return v;
    }

    /** A random base model (encoder weights only, no head) with hidden size 16 in {@code dir}. */
    public static Path tinyModel(Path dir, ModelType type, long seed) throws IOException {
        List<String> vocab = vocabulary();
        ModelConfig config = ModelConfig.builder(type).vocabSize(vocab.size()).hiddenSize(16).numLayers(1).numHeads(2)
                .intermediateSize(32).maxPositionEmbeddings(32).build();
        Files.createDirectories(dir);
        config.save(dir);
        EncoderModel encoder = new EncoderModel(config);
        Initializer.initialize(encoder.parameters(), 0.02, config.padTokenId(), seed);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), CheckpointMapper.stateDict(encoder.parameters()));
        Files.write(dir.resolve("vocab.txt"), vocab);
        return dir;
    }

    /**
     * A CSV of {@code rows} short reviews, label {@code pos} or {@code neg}, decided by the sentiment
     * word each holds.
     */
    public static Path sentimentCsv(Path file, int rows, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add("text,label");
        for (int i = 0; i < rows; i++) {
            boolean pos = i % 2 == 0;
            List<String> words = pos ? POSITIVE : NEGATIVE;
            StringBuilder sb = new StringBuilder("the " + NEUTRAL.get(1 + r.nextInt(2)) + " was ");
            sb.append(words.get(r.nextInt(words.size())));
            for (int k = r.nextInt(3); k > 0; k--) {
                sb.append(' ').append(NEUTRAL.get(r.nextInt(NEUTRAL.size())));
            }
            lines.add("\"" + sb + "\"," + (pos ? "pos" : "neg"));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        return file;
    }

    /**
     * A golden tiny model folder ({@code config.json}, {@code model.safetensors} of
     * {@code ../shared/golden/KIND/HEAD}) with a made-up 1000-token {@code vocab.txt} (ids 0, 100-103
     * are BERT's special tokens), so that {@code jbert train} can save a tokenizer with it.
     */
    public static Path goldenModel(Path golden, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(golden.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(golden.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            vocab.add(switch (i) {
                case 0 -> "[PAD]";
                case 100 -> "[UNK]";
                case 101 -> "[CLS]";
                case 102 -> "[SEP]";
                case 103 -> "[MASK]";
                default -> "w" + i;
            });
        }
        Files.write(dir.resolve("vocab.txt"), vocab);
        return dir;
    }

    /**
     * JSON lines of pre-tokenized rows from a golden {@code inputs.json}: each row's ids (and token
     * types) cut to its length, with its label for the head.
     */
    public static Path goldenRows(Path inputsJson, String head, Path file) throws IOException {
        JsonNode in = JSON.readTree(inputsJson.toFile());
        JsonNode ids = in.get("input_ids");
        JsonNode types = in.get("token_type_ids");
        JsonNode lengths = in.get("lengths");
        JsonNode labels = in.get("labels").get(head);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            int len = lengths.get(i).asInt();
            ObjectNode row = JSON.createObjectNode();
            var rowIds = row.putArray("input_ids");
            for (int j = 0; j < len; j++) {
                rowIds.add(ids.get(i).get(j).asInt());
            }
            if (types != null) {
                var rowTypes = row.putArray("token_type_ids");
                for (int j = 0; j < len; j++) {
                    rowTypes.add(types.get(i).get(j).asInt());
                }
            }
            row.set("label", labels.get(i));
            sb.append(JSON.writeValueAsString(row)).append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    /** The JSON objects of a JSON lines file. */
    public static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    public static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
