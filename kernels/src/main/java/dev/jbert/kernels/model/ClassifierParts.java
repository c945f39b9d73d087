package dev.jbert.kernels.model;

import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.SequenceClassifier;
import java.util.Arrays;
import java.util.List;

/**
 * The host parameters of a {@link SequenceClassifier}, by the role each plays in the forward pass:
 * the embedding tables and their LayerNorm, the 16 tensors of each encoder layer, the head's dense
 * layer (BERT's pooler or DistilBERT's {@code pre_classifier}) and the classifier. Found from the
 * documented parameter order of the engine's layers ({@code Embeddings}, {@code EncoderLayer},
 * {@code ClsDense}, {@code Linear}: weight then bias), each shape checked.
 */
record ClassifierParts(Parameter word, Parameter position, Parameter tokenType, Parameter embeddingNormGamma,
                       Parameter embeddingNormBeta, Layer[] layers, Parameter headWeight, Parameter headBias,
                       Parameter classifierWeight, Parameter classifierBias) {

    /** One encoder layer's parameters, in {@code EncoderLayer.parameters()} order. */
    record Layer(Parameter queryWeight, Parameter queryBias, Parameter keyWeight, Parameter keyBias,
                 Parameter valueWeight, Parameter valueBias, Parameter attentionOutputWeight,
                 Parameter attentionOutputBias, Parameter attentionNormGamma, Parameter attentionNormBeta,
                 Parameter ffnInWeight, Parameter ffnInBias, Parameter ffnOutWeight, Parameter ffnOutBias,
                 Parameter outputNormGamma, Parameter outputNormBeta) {
    }

    static ClassifierParts of(SequenceClassifier model) {
        ModelConfig cfg = model.config();
        int c = cfg.hiddenSize();
        int f = cfg.intermediateSize();
        boolean bert = cfg.modelType() == ModelType.BERT;
        List<Parameter> enc = model.encoder().parameters();
        int i = 0;
        Parameter word = check(enc.get(i++), cfg.vocabSize(), c);
        Parameter position = check(enc.get(i++), cfg.maxPositionEmbeddings(), c);
        Parameter tokenType = bert ? check(enc.get(i++), cfg.typeVocabSize(), c) : null;
        Parameter lnG = check(enc.get(i++), c);
        Parameter lnB = check(enc.get(i++), c);
        Layer[] layers = new Layer[model.encoder().numLayers()];
        for (int l = 0; l < layers.length; l++) {
            List<Parameter> p = model.encoder().layer(l).parameters();
            layers[l] = new Layer(check(p.get(0), c, c), check(p.get(1), c), check(p.get(2), c, c), check(p.get(3), c),
                    check(p.get(4), c, c), check(p.get(5), c), check(p.get(6), c, c), check(p.get(7), c),
                    check(p.get(8), c), check(p.get(9), c), check(p.get(10), f, c), check(p.get(11), f),
                    check(p.get(12), c, f), check(p.get(13), c), check(p.get(14), c), check(p.get(15), c));
        }
        List<Parameter> all = model.parameters();
        int n = all.size();
        List<Parameter> head = bert ? model.encoder().pooler().parameters() : all.subList(n - 4, n - 2);
        return new ClassifierParts(word, position, tokenType, lnG, lnB, layers, check(head.get(0), c, c),
                check(head.get(1), c), check(all.get(n - 2), model.numLabels(), c), check(all.get(n - 1), model.numLabels()));
    }

    private static Parameter check(Parameter p, int... shape) {
        if (!Arrays.equals(p.shape(), shape)) {
            throw new IllegalStateException("device model: parameter " + p.name() + " has shape "
                    + Arrays.toString(p.shape()) + " where the layer order says " + Arrays.toString(shape));
        }
        return p;
    }
}
