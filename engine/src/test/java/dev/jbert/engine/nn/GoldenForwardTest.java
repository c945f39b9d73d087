package dev.jbert.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.testing.Golden;
import dev.jbert.engine.testing.Shared;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Forward parity with Hugging Face on the tiny golden models (tolerances: ../shared/golden/README.md). */
class GoldenForwardTest {
    static Stream<Arguments> cases() {
        return Stream.of("tiny-bert", "tiny-distilbert").flatMap(kind ->
                Stream.of("single_label", "multi_label", "regression").map(head -> Arguments.of(kind, head)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void forwardMatchesHuggingFace(String kind, String head) throws Exception {
        Path dir = Shared.require("golden/" + kind + "/" + head);
        SequenceClassifier model = Golden.loadClassifier(dir);
        ModelInput in = Golden.inputs(dir.getParent().resolve("inputs.json"));
        Capture cap = new Capture(true, true);
        RunContext ctx = new RunContext(Backends.cpu());
        float[] logits = model.forward(ctx, in, cap);
        try (Checkpoint want = Checkpoint.open(dir.resolve("forward.safetensors"))) {
            int layers = model.encoder().numLayers();
            assertEquals(layers + 1, cap.hiddenStates().size());
            for (int i = 0; i <= layers; i++) {
                Golden.assertClose(want, "hidden_states." + i, cap.hiddenStates().get(i), 1e-5);
            }
            for (int i = 0; i < layers; i++) {
                Golden.assertClose(want, "attentions." + i, cap.attentions().get(i), 1e-6);
            }
            Golden.assertClose(want, "last_hidden_state", cap.hiddenStates().get(layers), 1e-5);
            if (want.contains("pooler_output")) {
                Golden.assertClose(want, "pooler_output", cap.pooled(), 1e-6);
            }
            Golden.assertClose(want, "logits", logits, 1e-6);
        }
        // padded keys get exactly zero probability
        float[] p = cap.attentions().get(0);
        int t = in.seqLen();
        int heads = model.config().numHeads();
        for (int b = 0; b < in.batch(); b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    for (int j = in.length(b); j < t; j++) {
                        assertTrue(p[((b * heads + h) * t + i) * t + j] == 0f, "padded key must get probability 0");
                    }
                }
            }
        }
    }
}
