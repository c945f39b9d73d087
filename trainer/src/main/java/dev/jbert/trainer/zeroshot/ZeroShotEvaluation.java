package dev.jbert.trainer.zeroshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.Cli;
import dev.jbert.engine.backend.Backends;
import dev.jbert.trainer.data.DataSet;
import dev.jbert.trainer.data.DataSets;
import dev.jbert.trainer.data.DataSpec;
import dev.jbert.trainer.data.KnownLabels;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.train.UserErrors;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Zero-shot accuracy of an NLI model on a topic-labelled file ({@code text,label} CSV, TSV or JSON
 * lines): every text is classified among the file's labels (or {@code --labels}), single-label, and
 * the top label is compared with the row's. Prints one JSON object: accuracy, per-label recall, the
 * confusion counts, the template and the time taken. Not a {@code jbert} subcommand: run it as
 * <pre>
 * java -cp "trainer/target/jbert-trainer-0.1.0-SNAPSHOT.jar:trainer/target/lib/*" \
 *   dev.jbert.trainer.zeroshot.ZeroShotEvaluation --model DIR \
 *   --data trainer/src/test/resources/dev/jbert/zeroshot/topics.csv
 * </pre>
 */
@Command(name = "zero-shot-evaluation", mixinStandardHelpOptions = true,
        description = "Zero-shot accuracy of an NLI model on a labelled file of texts.")
public final class ZeroShotEvaluation implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", required = true, description = "An NLI model folder.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "text,label rows (CSV, TSV or JSON lines).")
    Path data;

    @Option(names = "--labels", paramLabel = "A,B,C", description = "Candidate labels (default: the file's labels).")
    String labels;

    @Option(names = "--template", paramLabel = "TEXT", defaultValue = HypothesisTemplate.DEFAULT,
            description = "Hypothesis template (default: '${DEFAULT-VALUE}').")
    String template;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Pairs per forward pass.")
    int batchSize;

    /** The outcome of one evaluation. */
    public record Outcome(int examples, int correct, List<String> labels, int[][] confusion, double seconds) {
        public double accuracy() {
            return examples == 0 ? 0 : (double) correct / examples;
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(Cli.commandLine(new ZeroShotEvaluation()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return UserErrors.call(() -> {
            ZeroShotClassifier zs = ZeroShotClassifier.load(ModelFolder.open(model), Backends.byName("cpu"), System.err);
            zs = zs.with(zs.maxLength(), batchSize, Backends.byName("cpu"));
            HypothesisTemplate t = new HypothesisTemplate(template);
            Outcome o = evaluate(zs, data, labels == null ? null : CandidateLabels.parse(labels), t);
            ObjectMapper json = new ObjectMapper();
            ObjectNode out = json.createObjectNode();
            out.put("model", model.toString());
            out.put("data", data.toString());
            out.put("date", LocalDate.now().toString());
            out.put("template", template);
            out.put("examples", o.examples());
            out.put("accuracy", o.accuracy());
            ObjectNode recall = out.putObject("recall");
            ObjectNode confusion = out.putObject("confusion");
            for (int i = 0; i < o.labels().size(); i++) {
                int n = 0;
                ObjectNode row = confusion.putObject(o.labels().get(i));
                for (int j = 0; j < o.labels().size(); j++) {
                    n += o.confusion()[i][j];
                    row.put(o.labels().get(j), o.confusion()[i][j]);
                }
                recall.put(o.labels().get(i), n == 0 ? 0 : (double) o.confusion()[i][i] / n);
            }
            out.put("seconds", Math.round(o.seconds() * 100) / 100.0);
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        });
    }

    /**
     * Classifies every row of {@code file} (single-label) and counts the hits.
     *
     * @param candidates the labels to choose from; null: the file's own labels
     */
    public static Outcome evaluate(ZeroShotClassifier zs, Path file, CandidateLabels candidates,
                                   HypothesisTemplate template) {
        DataSet set = DataSets.read(file, DataSpec.defaults(), KnownLabels.none());
        List<String> names = set.labelSet().names();
        CandidateLabels cands = candidates != null ? candidates : CandidateLabels.of(names);
        List<String> texts = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            texts.add(set.text(i));
        }
        long start = System.nanoTime();
        List<ZeroShotResult> results = zs.classify(texts, cands, template, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        int[][] confusion = new int[cands.size()][cands.size()];
        int correct = 0;
        for (int i = 0; i < set.size(); i++) {
            String gold = names.get(set.classOf(i));
            String predicted = results.get(i).top();
            correct += gold.equals(predicted) ? 1 : 0;
            int g = cands.names().indexOf(gold);
            if (g >= 0) {
                confusion[g][cands.names().indexOf(predicted)]++;
            }
        }
        return new Outcome(set.size(), correct, cands.names(), confusion, seconds);
    }
}
