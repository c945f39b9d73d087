package dev.jbert.trainer.zeroshot;

import dev.jbert.trainer.train.TrainCli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An "NLI model" for the zero-shot tests: the golden tiny BERT with three labels
 * ({@code ../shared/golden/tiny-bert/single_label}, with its trained weights, whose logits differ
 * more than the initial ones, and its classifier scaled by {@link #LOGIT_SCALE}) whose {@code id2label} is renamed, plus a made-up 1000-token
 * word vocabulary ({@code [PAD]} 0, {@code [UNK]} 100, {@code [CLS]} 101, {@code [SEP]} 102,
 * {@code [MASK]} 103, then words). Its numbers mean nothing; the tests compare the pipeline's
 * arithmetic with the model's own logits.
 */
final class ZeroShotFixtures {
    static final List<String> WORDS = List.of("this", "example", "is", "about", "the", "a", "an", "of", "and", "to",
            "in", "politics", "sports", "science", "cooking", "election", "parliament", "vote", "voters", "minister",
            "team", "match", "goal", "won", "scored", "players", "experiment", "lab", "scientists", "discovered",
            "recipe", "bake", "oven", "soup", "onions", "topic", "text", "speaks", "new", "cells", "bread", "for",
            "hours", "season", "final", "law", "passed", "telescope", "galaxy", "chef", "salt", ".", ",", "!", "?",
            "{", "}", "##s", "##ing", "##ed");
    /** The classifier is scaled up so that the logits of different hypotheses differ visibly. */
    static final float LOGIT_SCALE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZeroShotFixtures() {
    }

    /** The 1000 tokens of the test vocabulary. */
    static List<String> vocabulary() {
        List<String> v = new ArrayList<>(1000);
        for (int i = 0; i < 100; i++) {
            v.add(i == 0 ? "[PAD]" : "[unused" + i + "]");
        }
        v.addAll(List.of("[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        Set<String> words = new LinkedHashSet<>(WORDS);
        v.addAll(words);
        for (int i = v.size(); i < 1000; i++) {
            v.add("w" + i);
        }
        return v;
    }

    /** A copy of the golden 3-label tiny BERT whose labels are {@code names} (id order), with a vocab. */
    static Path model(Path dir, String... names) throws IOException {
        Path golden = Shared.require("golden/tiny-bert/single_label");
        Files.createDirectories(dir);
        ObjectNode config = (ObjectNode) JSON.readTree(golden.resolve("config.json").toFile());
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < names.length; i++) {
            id2label.put(Integer.toString(i), names[i]);
            label2id.put(names[i], i);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        Map<String, Tensor> weights = new TreeMap<>();
        try (Checkpoint ck = Checkpoint.open(golden.resolve("trained.safetensors"))) {
            for (String name : ck.names()) {
                weights.put(name, ck.readFloat(name));
            }
        }
        for (String name : List.of("classifier.weight", "classifier.bias")) {
            float[] w = weights.get(name).data();
            for (int i = 0; i < w.length; i++) {
                w[i] *= LOGIT_SCALE;
            }
        }
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        Files.write(dir.resolve("vocab.txt"), vocabulary());
        return dir;
    }

    /** {@code {0: entailment, 1: neutral, 2: contradiction}}. */
    static Path nliModel(Path dir) throws IOException {
        return model(dir, "entailment", "neutral", "contradiction");
    }

    record Run(int status, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Runs {@code jbert zero-shot ARGS} in-process (the command need not be registered in Main). */
    static Run zeroShot(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "zero-shot";
        System.arraycopy(args, 0, all, 1, args.length);
        TrainCli.Run r = TrainCli.run(all);
        return new Run(r.status(), r.out(), r.err());
    }
}
