package dev.jbert.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HfDecayRuleTest {

    @Test
    void namesByHand() {
        assertTrue(HfDecayRule.decays("bert.encoder.layer.0.attention.self.query.weight"));
        assertTrue(HfDecayRule.decays("classifier.weight"));
        assertTrue(HfDecayRule.decays("bert.embeddings.word_embeddings.weight"));
        assertFalse(HfDecayRule.decays("classifier.bias"));
        assertFalse(HfDecayRule.decays("bert.embeddings.LayerNorm.weight"));
        assertFalse(HfDecayRule.decays("bert.encoder.layer.1.output.LayerNorm.bias"));
        assertFalse(HfDecayRule.decays("distilbert.transformer.layer.0.sa_layer_norm.weight"));
        assertFalse(HfDecayRule.decays("distilbert.transformer.layer.0.output_layer_norm.weight"));
        assertFalse(HfDecayRule.decays("model.norm.weight"));
        assertFalse(HfDecayRule.decays("norm.weight"));
        assertFalse(HfDecayRule.decays("layers.0.input_rmsnorm.weight"));
        assertTrue(HfDecayRule.decays("model.normalizer.weight"));
        // legacy checkpoints' LayerNorm names: gamma/beta under a LayerNorm module
        assertFalse(HfDecayRule.decays("bert.embeddings.LayerNorm.gamma"));
    }

    /** The decay / no-decay split of all six golden runs, from their names alone. */
    @Test
    void goldenSplitsForAllSixRuns() throws IOException {
        for (String model : TrainGolden.MODELS) {
            for (String head : TrainGolden.HEADS) {
                JsonNode opt = TrainGolden.results(model, head).get("optimizer");
                List<String> decay = TrainGolden.strings(opt.get("decay_params"));
                List<String> noDecay = TrainGolden.strings(opt.get("no_decay_params"));
                List<Parameter> params = new ArrayList<>();
                for (String name : new TreeSet<>(concat(decay, noDecay))) {
                    params.add(new Parameter(name, Tensor.zeros(1), HfDecayRule.decays(name), true));
                }
                assertEquals(new TreeSet<>(decay), new TreeSet<>(AdamW.decayParameterNames(params)), model + "/" + head);
                for (String name : noDecay) {
                    assertFalse(HfDecayRule.decays(name), name);
                }
                assertEquals(0.01, opt.get("weight_decay").asDouble());
            }
        }
    }

    @Test
    void decayNamesSkipFrozenParameters() {
        List<Parameter> ps = List.of(Parameter.weight("a.weight", 1), Parameter.bias("a.bias", 1),
                new Parameter("frozen.weight", Tensor.zeros(1), true, false));
        assertEquals(List.of("a.weight"), AdamW.decayParameterNames(ps));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
