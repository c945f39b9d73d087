package dev.jbert.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.cli.UserException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is a {@link UserException} naming the file and what is wrong, and writes nothing. */
class OnnxCorruptInputTest {
    @TempDir
    Path dir;

    private String fail(byte[] bytes) throws Exception {
        Path onnx = dir.resolve("bad.onnx");
        Files.write(onnx, bytes);
        Path out = dir.resolve("out");
        UserException e = assertThrows(UserException.class, () -> OnnxImporter.importModel(onnx, out));
        assertTrue(e.getMessage().startsWith(onnx.toString() + ": "), e.getMessage());
        assertFalse(Files.exists(out), "nothing is written for bad input");
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        }
    }

    @Test
    void emptyFile() throws Exception {
        assertContains(fail(new byte[0]), "not an ONNX model", "empty");
    }

    @Test
    void textIsNotOnnx() throws Exception {
        assertContains(fail("hello, this is a text file\n".getBytes(StandardCharsets.UTF_8)), "not an ONNX file");
    }

    @Test
    void jsonIsNotOnnx() throws Exception {
        assertContains(fail("{\"model_type\": \"bert\"}".getBytes(StandardCharsets.UTF_8)), "not an ONNX",
                "looks like JSON");
    }

    @Test
    void safetensorsIsNotOnnx() throws Exception {
        Path st = dir.resolve("model.safetensors");
        dev.jbert.engine.io.SafeTensorsWriter.write(st,
                java.util.Map.of("w", new dev.jbert.engine.tensor.Tensor(new float[] {1, 2}, 2)));
        assertContains(fail(Files.readAllBytes(st)), "not an ONNX", "looks like a safetensors file");
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] whole = new TinyBertOnnx().build();
        for (int cut : new int[] {whole.length / 2, whole.length - 1, 3}) {
            assertContains(fail(Arrays.copyOf(whole, cut)), "truncated");
        }
    }

    @Test
    void modelWithoutGraph() throws Exception {
        byte[] model = new ProtoWriter().varint(1, 7).string(2, "pytorch").message(8, new ProtoWriter().varint(2, 14))
                .toByteArray();
        assertContains(fail(model), "no graph");
    }

    @Test
    void graphThatIsNotBert() throws Exception {
        ProtoWriter graph = new ProtoWriter()
                .message(5, TinyBertOnnx.floatTensor("classifier.weight", new float[4], 2, 2));
        byte[] model = new ProtoWriter().varint(1, 7).message(7, graph).toByteArray();
        assertContains(fail(model), "embeddings.word_embeddings.weight", "not a BERT graph");
    }

    @Test
    void unmappableMatMulWeight() throws Exception {
        TinyBertOnnx tiny = new TinyBertOnnx();
        tiny.unmappableMatMul = true;
        assertContains(fail(tiny.build()), "onnx::MatMul_999", "MatMul node 'MatMul_99'", "Hugging Face name");
    }

    @Test
    void externalData() throws Exception {
        TinyBertOnnx tiny = new TinyBertOnnx();
        tiny.externalData = true;
        assertContains(fail(tiny.build()), "external data", "model.onnx_data");
    }

    @Test
    void wrongWireTypeForAKnownField() throws Exception {
        // ir_version as a string
        assertContains(fail(new ProtoWriter().string(1, "7").toByteArray()), "field 1 has wire type 2");
    }

    @Test
    void missingFile() {
        Path onnx = dir.resolve("missing.onnx");
        UserException e = assertThrows(UserException.class, () -> OnnxImporter.importModel(onnx, dir.resolve("out")));
        assertContains(e.getMessage(), onnx.toString(), "no such file");
    }

    @Test
    void badTokenizerJson() throws Exception {
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, new TinyBertOnnx().build());
        Path tok = dir.resolve("tokenizer.json");
        Files.writeString(tok, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}");
        UserException e = assertThrows(UserException.class,
                () -> new OnnxImporter().convert(onnx, tok, dir.resolve("out")));
        assertContains(e.getMessage(), tok.toString(), "BPE");
        Files.writeString(tok, "{\"model\": {\"vocab\": {\"a\": 0, \"b\": 5}}}");
        e = assertThrows(UserException.class, () -> new OnnxImporter().convert(onnx, tok, dir.resolve("out")));
        assertContains(e.getMessage(), tok.toString(), "'b'", "5");
        Files.writeString(tok, "{not json");
        e = assertThrows(UserException.class, () -> new OnnxImporter().convert(onnx, tok, dir.resolve("out")));
        assertContains(e.getMessage(), tok.toString(), "not valid JSON");
    }

    @Test
    void unknownBuiltin() {
        UserException e = assertThrows(UserException.class, () -> OnnxImporter.importBuiltin("gpt-5", dir));
        assertContains(e.getMessage(), "gpt-5", "all-MiniLM-L6-v2");
    }
}
