package dev.jbert.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.testing.Golden;
import dev.jbert.engine.testing.Shared;
import dev.jbert.engine.train.AdamW;
import dev.jbert.engine.train.GradClip;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import dev.jbert.engine.train.LrSchedule;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backward pass and a 10-step AdamW trajectory against Hugging Face (tolerances from
 * ../shared/golden/README.md: per-tensor gradients max|Δ| ≤ 1e-3·max|golden| + 1e-9, key biases
 * abs 1e-9, embedding_output abs 1e-7, trajectory loss abs 1e-6, grad norm relative 1e-5, lr
 * relative 1e-9, trained parameters abs 5e-5).
 */
class GoldenTrainingTest {
    static Stream<Arguments> cases() {
        return Stream.of("tiny-bert", "tiny-distilbert").flatMap(kind ->
                Stream.of("single_label", "multi_label", "regression").map(head -> Arguments.of(kind, head)));
    }

    /** forward + loss + backward; returns the loss. */
    static float step(SequenceClassifier model, RunContext ctx, ModelInput in, Loss loss, Labels labels) {
        float[] logits = model.forward(ctx, in, null);
        int n = in.batch() * model.numLabels();
        Tensor lt = new Tensor(java.util.Arrays.copyOf(logits, n), in.batch(), model.numLabels());
        Tensor dl = Tensor.zerosLike(lt);
        float value = loss.forward(lt, labels, dl);
        model.backward(ctx, dl.data());
        return value;
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void gradientsMatchHuggingFace(String kind, String head) throws Exception {
        Path dir = Shared.require("golden/" + kind + "/" + head);
        SequenceClassifier model = Golden.loadClassifier(dir);
        JsonNode inputs = Golden.json(dir.getParent().resolve("inputs.json"));
        ModelInput in = Golden.inputs(dir.getParent().resolve("inputs.json"));
        RunContext ctx = new RunContext(Backends.cpu()).keepForBackward(true);
        float loss = step(model, ctx, in, Loss.forProblem(Golden.problem(head)), Golden.labels(inputs, head));
        JsonNode results = Golden.json(dir.resolve("results.json"));
        assertEquals(results.get("loss").asDouble(), loss, 1e-6, "loss");
        try (Checkpoint want = Checkpoint.open(dir.resolve("grads.safetensors"))) {
            int checked = 0;
            for (Parameter p : model.parameters()) {
                float[] g = p.grad().data();
                float[] w = want.readFloat(p.name()).data();
                assertEquals(w.length, g.length, p.name());
                if (p.name().contains(".key.bias") || p.name().contains(".k_lin.bias")) {
                    assertTrue(Golden.maxAbs(g, g.length) <= 1e-9, p.name() + ": key-bias gradient must be ~0, max "
                            + Golden.maxAbs(g, g.length));
                } else {
                    double tol = 1e-3 * Golden.maxAbs(w, w.length) + 1e-9;
                    Golden.assertClose(want, p.name(), g, tol);
                }
                checked++;
            }
            assertEquals(want.names().size() - 1, checked, "every golden gradient is checked");
            Golden.assertClose(want, "embedding_output", model.encoder().embeddingOutputGrad(), 1e-7);
            // the padding row (id 0) of the word embeddings gets no gradient
            Parameter word = model.parameters().get(0);
            assertTrue(word.name().endsWith("word_embeddings.weight"));
            int c = word.shape()[1];
            for (int j = 0; j < c; j++) {
                assertEquals(0f, word.grad().data()[j], "pad row gradient must be exactly zero");
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void tenStepTrajectoryMatchesHuggingFace(String kind, String head) throws Exception {
        Path dir = Shared.require("golden/" + kind + "/" + head);
        SequenceClassifier model = Golden.loadClassifier(dir);
        JsonNode inputs = Golden.json(dir.getParent().resolve("inputs.json"));
        ModelInput in = Golden.inputs(dir.getParent().resolve("inputs.json"));
        Labels labels = Golden.labels(inputs, head);
        Loss loss = Loss.forProblem(Golden.problem(head));
        JsonNode results = Golden.json(dir.resolve("results.json"));
        JsonNode opt = results.get("optimizer");
        AdamW adam = new AdamW(model.parameters(), opt.get("weight_decay").asDouble());
        LrSchedule schedule = new LrSchedule(LrSchedule.Kind.LINEAR, opt.get("lr").asDouble(),
                opt.get("num_warmup_steps").asLong(), opt.get("num_training_steps").asLong());
        RunContext ctx = new RunContext(Backends.cpu()).keepForBackward(true);
        JsonNode traj = results.get("trajectory");
        for (int s = 0; s < traj.size(); s++) {
            JsonNode want = traj.get(s);
            double lr = schedule.currentLr();
            assertEquals(want.get("lr").asDouble(), lr, 1e-9 * Math.abs(want.get("lr").asDouble()), "lr at step " + s);
            float value = step(model, ctx, in, loss, labels);
            assertEquals(want.get("loss").asDouble(), value, 1e-6, "loss at step " + s);
            float norm = GradClip.clipGradNorm(model.parameters(), opt.get("max_grad_norm").asDouble());
            double wn = want.get("grad_norm").asDouble();
            assertEquals(wn, norm, 1e-5 * wn, "grad norm at step " + s);
            adam.step(lr);
            adam.zeroGrad();
            schedule.advance();
        }
        float[] logits = model.forward(ctx, in, null);
        Tensor lt = new Tensor(java.util.Arrays.copyOf(logits, in.batch() * model.numLabels()), in.batch(),
                model.numLabels());
        assertEquals(results.get("final_loss").asDouble(), loss.forward(lt, labels, null), 1e-6, "final loss");
        try (Checkpoint trained = Checkpoint.open(dir.resolve("trained.safetensors"))) {
            for (Parameter p : model.parameters()) {
                Golden.assertClose(trained, p.name(), p.data(), 5e-5);
            }
        }
    }
}
