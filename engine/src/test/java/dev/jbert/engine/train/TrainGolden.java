package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the Hugging Face goldens under {@code ../shared/golden} for the training tests; skips visibly without them. */
final class TrainGolden {
    static final String[] MODELS = {"tiny-bert", "tiny-distilbert"};
    static final String[] HEADS = {"single_label", "multi_label", "regression"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainGolden() {
    }

    static Path dir() {
        String shared = System.getProperty("jbert.shared.dir", "../../shared");
        Path dir = Path.of(shared, "golden");
        assumeTrue(Files.isDirectory(dir.resolve("tiny-bert")), "golden data not found under " + dir + ": skipped");
        return dir;
    }

    static JsonNode json(String model, String... path) throws IOException {
        Path p = dir().resolve(model);
        for (String s : path) {
            p = p.resolve(s);
        }
        return JSON.readTree(p.toFile());
    }

    static JsonNode results(String model, String head) throws IOException {
        return json(model, head, "results.json");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** One float32 tensor of a safetensors file, flattened. */
    static float[] tensor(String model, String head, String file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(dir().resolve(model).resolve(head).resolve(file));
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) buf.getLong(0);
        JsonNode header = JSON.readTree(new String(bytes, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8));
        JsonNode info = header.get(name);
        if (info == null || !"F32".equals(info.get("dtype").asText())) {
            throw new IOException(file + ": no float32 tensor " + name);
        }
        int begin = 8 + headerLength + info.get("data_offsets").get(0).asInt();
        int end = 8 + headerLength + info.get("data_offsets").get(1).asInt();
        float[] out = new float[(end - begin) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getFloat(begin + 4 * i);
        }
        return out;
    }
}
