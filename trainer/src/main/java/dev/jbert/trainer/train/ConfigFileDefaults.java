package dev.jbert.trainer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jbert.cli.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values from a JSON or YAML file ({@code --config FILE}), as picocli default values: an
 * option given on the command line wins over the file, the file over the built-in default.
 *
 * <p>Keys are the long option names without dashes ({@code learning-rate}), or with underscores
 * ({@code learning_rate}), or Hugging Face's {@code TrainingArguments} / {@code run_glue.py} names
 * where they differ ({@code num_train_epochs}, {@code per_device_train_batch_size},
 * {@code lr_scheduler_type}, {@code evaluation_strategy}, {@code output_dir}, ...). Values are
 * scalars; a list becomes a comma-separated value (e.g. {@code label_columns}); null leaves the
 * option unset. An unknown key is an error that names it.
 */
public final class ConfigFileDefaults implements IDefaultValueProvider {
    private static final Map<String, String> HF_NAMES = Map.ofEntries(
            Map.entry("num-train-epochs", "epochs"),
            Map.entry("per-device-train-batch-size", "batch-size"),
            Map.entry("train-batch-size", "batch-size"),
            Map.entry("per-device-eval-batch-size", "eval-batch-size"),
            Map.entry("lr-scheduler-type", "lr-scheduler"),
            Map.entry("evaluation-strategy", "eval-strategy"),
            Map.entry("output-dir", "output"),
            Map.entry("model-name-or-path", "model"),
            Map.entry("train-file", "train"),
            Map.entry("validation-file", "validation"),
            Map.entry("max-seq-length", "max-length"),
            Map.entry("resume-from-checkpoint", "resume"));

    private final Map<String, String> values;

    private ConfigFileDefaults(Map<String, String> values) {
        this.values = values;
    }

    /** Reads a config file and checks its keys against the command's options. */
    public static ConfigFileDefaults read(Path file, CommandSpec spec) {
        JsonNode root = parse(file);
        if (root == null || root.isNull() || root.isMissingNode()) {
            return new ConfigFileDefaults(Map.of());
        }
        if (!root.isObject()) {
            throw new UserException(file + ": expected a mapping of option names to values");
        }
        Map<String, OptionSpec> options = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            options.put(name(o), o);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = canonical(e.getKey());
            OptionSpec o = options.get(key);
            if (o == null || key.equals("config") || o.usageHelp() || o.versionHelp() || o.hidden()) {
                throw new UserException(file + ": unknown option '" + e.getKey() + "' (expected one of "
                        + new TreeSet<>(known(options)) + ")");
            }
            String value = value(e.getValue(), e.getKey(), file);
            if (value != null) {
                values.put(key, value);
            }
        }
        return new ConfigFileDefaults(values);
    }

    /** The option names this file sets. */
    public List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return values.get(name(o));
        }
        return null;
    }

    private static JsonNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = n.endsWith(".json") || text.stripLeading().startsWith("{");
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
            throw new UserException(file + where + ": not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static String value(JsonNode v, String key, Path file) {
        if (v.isNull()) {
            return null;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isValueNode() || x.isNull()) {
                    throw new UserException(file + ": '" + key + "' holds a list of " + x.getNodeType().name()
                            .toLowerCase(Locale.ROOT) + ": expected a list of plain values");
                }
                parts.add(x.asText());
            }
            return String.join(",", parts);
        }
        throw new UserException(file + ": '" + key + "' is a mapping: expected a plain value");
    }

    private static String canonical(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        while (k.startsWith("-")) {
            k = k.substring(1);
        }
        return HF_NAMES.getOrDefault(k, k);
    }

    private static String name(OptionSpec o) {
        String n = o.longestName();
        while (n.startsWith("-")) {
            n = n.substring(1);
        }
        return n;
    }

    private static List<String> known(Map<String, OptionSpec> options) {
        List<String> out = new ArrayList<>();
        options.forEach((k, o) -> {
            if (!k.equals("config") && !o.usageHelp() && !o.versionHelp() && !o.hidden()) {
                out.add(k);
            }
        });
        return out;
    }
}
