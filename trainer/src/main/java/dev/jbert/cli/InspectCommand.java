package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.backend.Backend;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.io.SafeTensorsWriter;
import dev.jbert.engine.nn.Capture;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.Labels;
import dev.jbert.engine.train.Loss;
import dev.jbert.tokenizer.TokenizerException;
import dev.jbert.tokenizer.Vocabulary;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.LabelsJson;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.plot.ModelPlots;
import dev.jbert.trainer.plot.PlotData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs a model in evaluation mode on one batch and writes every intermediate under the golden
 * files' names; with {@code --grads}, also the loss and every parameter's gradient.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Run a model on a batch and write every intermediate (and gradient) to a safetensors file.")
public final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder.")
    Path model;

    static final class Source {
        @Option(names = "--input", description = "BATCH.json: {\"input_ids\": [[...]], \"attention_mask\": [[...]], \"token_type_ids\": [[...]]}.")
        Path input;

        @Option(names = "--text", description = "A text to tokenize with the model's tokenizer (repeatable).")
        List<String> texts;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", required = true, description = "Where to write the tensors (.safetensors).")
    Path output;

    @Option(names = "--labels", description = "LABELS.json: {\"labels\": [...]}, one entry per row (with --grads).")
    Path labels;

    @Option(names = "--grads", description = "Also run the loss and the backward pass; write loss and grad.<parameter>.")
    boolean grads;

    @Option(names = "--max-length", description = "Truncation for --text (default: the model's maximum).")
    Integer maxLength;

    @Mixin
    DeviceOptions device;

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Also draw, per input row b, DIR/attention-row{b}.png (layers x heads) and DIR/hidden-norms-row{b}.png.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        if (grads && labels == null) {
            throw new UserException("--grads needs --labels LABELS.json");
        }
        if (labels != null && !grads) {
            throw new UserException("--labels is only used with --grads");
        }
        Backend backend = device.backend();
        ModelFolder folder = ModelFolder.open(model);
        ModelConfig config = folder.config();
        boolean head = grads || folder.hasClassifierHead();
        ModelInput in;
        if (source.input != null) {
            in = BatchJson.parse(BatchJson.read(source.input), source.input.toString());
        } else {
            int max = maxLength != null ? maxLength : config.maxPositionEmbeddings();
            in = BatchJson.fromTexts(folder.tokenizer(), source.texts, null, max);
        }
        RunContext ctx = new RunContext(backend).keepForBackward(grads);
        Capture cap = new Capture(true, true);
        Map<String, Tensor> out = new LinkedHashMap<>();
        int b = in.batch();
        int t = in.seqLen();
        int c = config.hiddenSize();
        int h = config.numHeads();
        float[] logits = null;
        SequenceClassifier classifier = null;
        EncoderModel encoder;
        if (head) {
            classifier = folder.loadClassifier(System.err);
            encoder = classifier.encoder();
            logits = classifier.forward(ctx, in, cap);
        } else {
            encoder = folder.loadEncoder(System.err);
            float[] last = encoder.forward(ctx, in, cap);
            if (encoder.pooler() != null) {
                cap.setPooled(Arrays.copyOf(encoder.pool(ctx, last), b * c));
            }
        }
        List<float[]> hs = cap.hiddenStates();
        for (int i = 0; i < hs.size(); i++) {
            out.put("hidden_states." + i, new Tensor(hs.get(i), b, t, c));
        }
        for (int i = 0; i < cap.attentions().size(); i++) {
            out.put("attentions." + i, new Tensor(cap.attentions().get(i), b, h, t, t));
        }
        out.put("last_hidden_state", new Tensor(hs.get(hs.size() - 1).clone(), b, t, c));
        if (encoder.pooler() != null && cap.pooled() != null) {
            out.put("pooler_output", new Tensor(cap.pooled(), b, c));
        }
        int labelsCount = config.numLabels();
        if (logits != null) {
            out.put("logits", new Tensor(Arrays.copyOf(logits, b * labelsCount), b, labelsCount));
        }
        Float lossValue = null;
        if (grads) {
            JsonNode root = BatchJson.read(labels);
            JsonNode arr = root.isObject() ? root.get("labels") : root;
            ProblemType type = config.problemType() != null ? config.problemType() : LabelsJson.infer(arr, labelsCount);
            Labels lab = LabelsJson.parse(arr, type, b, labelsCount, labels.toString());
            Tensor lt = new Tensor(Arrays.copyOf(logits, b * labelsCount), b, labelsCount);
            Tensor dl = Tensor.zerosLike(lt);
            float loss = Loss.forProblem(type).forward(lt, lab, dl);
            classifier.backward(ctx, dl.data());
            lossValue = loss;
            out.put("loss", new Tensor(new float[] {loss}, 1));
            for (Parameter p : classifier.parameters()) {
                if (p.trainable()) {
                    out.put("grad." + p.name(), p.grad());
                }
            }
            out.put("grad.embedding_output", new Tensor(Arrays.copyOf(encoder.embeddingOutputGrad(), b * t * c), b, t, c));
        }
        SafeTensorsWriter.write(output, out, Map.of("format", "pt"));
        List<Path> plots = plot == null ? List.of()
                : ModelPlots.write(plot, PlotData.fromCapture(cap, in, h, c, tokenNames(folder)));
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        summary.put("output", output.toString());
        summary.put("tensors", out.size());
        summary.putArray("shape").add(b).add(t);
        if (logits != null) {
            var arr = summary.putArray("logits");
            for (int i = 0; i < b; i++) {
                var row = arr.addArray();
                for (int j = 0; j < labelsCount; j++) {
                    row.add(logits[i * labelsCount + j]);
                }
            }
        }
        if (lossValue != null) {
            summary.put("loss", lossValue);
        }
        if (!plots.isEmpty()) {
            var arr = summary.putArray("plots");
            plots.forEach(p -> arr.add(p.toString()));
        }
        System.out.println(json.writeValueAsString(summary));
        return 0;
    }

    /** Token strings for the plots' axes: the folder's vocabulary, else the ids themselves. */
    private static IntFunction<String> tokenNames(ModelFolder folder) {
        try {
            Vocabulary vocab = folder.tokenizer().vocab();
            return id -> id >= 0 && id < vocab.size() ? vocab.token(id) : "#" + id;
        } catch (TokenizerException e) {
            return id -> "#" + id;
        }
    }
}
