package dev.jbert.trainer.onnx;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * JSON laid out as Hugging Face writes it ({@code json.dumps(..., indent=2)}): two-space
 * indentation, {@code "key": value}, one array element per line, floats as Python prints them
 * ({@code 1e-12}, {@code 0.1}), a final newline. Files are written atomically.
 */
public final class HfJson {
    /** Shared, thread-safe. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private HfJson() {
    }

    /** The pretty text with a final newline. */
    public static String toText(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new PythonFloats(MAPPER.getFactory().createGenerator(text))) {
            g.setPrettyPrinter(printer());
            MAPPER.writeTree(g, node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
        return text + "\n";
    }

    public static void write(Path file, JsonNode node) throws IOException {
        AtomicFiles.writeString(file, toText(node));
    }

    private static DefaultPrettyPrinter printer() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        return new DefaultPrettyPrinter(separators).withObjectIndenter(indenter).withArrayIndenter(indenter);
    }

    /** Python's {@code repr(float)}: shortest digits, exponent form below 1e-4 and from 1e16 on. */
    static String pythonFloat(double d) {
        return dev.jbert.engine.io.HfJson.pythonFloat(d);
    }

    /** Writes doubles and floats the way Python does. */
    private static final class PythonFloats extends JsonGeneratorDelegate {
        PythonFloats(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            writeRawValue(pythonFloat(v));
        }

        @Override
        public void writeNumber(float v) throws IOException {
            writeRawValue(pythonFloat(Double.parseDouble(Float.toString(v))));
        }
    }
}
