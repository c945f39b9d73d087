package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.backend.BackendUnavailableException;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelType;
import dev.jbert.trainer.train.TrainCli;
import dev.jbert.trainer.train.TrainFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device} and {@code --precision} (with {@code --bf16}/{@code --tf32}) on every command that
 * takes them: a device or precision that cannot be had is one line on stderr and exit status 2,
 * before any work, never a stack trace.
 */
class DeviceOptionsTest {
    @TempDir
    Path tmp;

    /** The commands that take the options, each with what it otherwise needs. */
    private List<String[]> commands() throws Exception {
        Path model = TrainFixtures.tinyModel(tmp.resolve("model"), ModelType.BERT, 1);
        Path csv = TrainFixtures.sentimentCsv(tmp.resolve("data.csv"), 4, 1);
        return List.of(
                new String[] {"train", "--model", model.toString(), "--train", csv.toString(), "--output",
                    tmp.resolve("out").toString()},
                new String[] {"eval", "--model", model.toString(), "--data", csv.toString()},
                new String[] {"predict", "--model", model.toString(), "--text", "good"},
                new String[] {"embed", "--model", model.toString()},
                new String[] {"inspect", "--model", model.toString(), "--text", "good", "--output",
                    tmp.resolve("o.safetensors").toString()});
    }

    /** {@link #commands()}, and {@code serve} and {@code zero-shot}, which must refuse before they start. */
    private List<String[]> allCommands() throws Exception {
        List<String[]> all = new java.util.ArrayList<>(commands());
        Path model = tmp.resolve("model");
        all.add(new String[] {"serve", "--model", model.toString(), "--port", "0"});
        all.add(new String[] {"zero-shot", "--model", model.toString(), "--labels", "a,b", "--text", "good"});
        return all;
    }

    private static String[] with(String[] args, String... more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    /** One line, exit status 2, no stack trace. */
    private static String oneLineError(TrainCli.Run r, String command) {
        assertEquals(2, r.status(), command + ": " + r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), command + ": one line, found:\n" + r.err());
        assertFalse(r.err().contains("\tat "), command + ": no stack trace");
        return lines.get(0);
    }

    @Test
    void cudaWithoutAGpuSaysWhatIsMissing() throws Exception {
        String why;
        try {
            Backends.byName("cuda");
            why = null;
        } catch (BackendUnavailableException e) {
            why = e.getMessage();
        }
        Assumptions.assumeTrue(why != null, "a CUDA GPU is here: the message for a machine without one cannot be seen");
        for (String[] c : allCommands()) {
            String line = oneLineError(TrainCli.run(with(c, "--device", "cuda")), c[0]);
            assertTrue(line.startsWith("jbert: "), line);
            assertTrue(line.toLowerCase(java.util.Locale.ROOT).contains("driver")
                    || line.toLowerCase(java.util.Locale.ROOT).contains("gpu"), c[0] + ": names the missing driver: " + line);
            assertTrue(line.contains(why), c[0] + ": " + line);
        }
    }

    @Test
    void aGpuPrecisionOnTheCpuIsRefused() throws Exception {
        for (String[] c : allCommands()) {
            for (String[] flags : List.of(new String[] {"--precision", "bf16"}, new String[] {"--tf32"},
                    new String[] {"--device", "cpu", "--bf16"})) {
                String line = oneLineError(TrainCli.run(with(c, flags)), c[0] + " " + String.join(" ", flags));
                assertTrue(line.contains("needs --device cuda (the CPU computes in float32)"), line);
            }
        }
    }

    @Test
    void anUnknownPrecisionListsTheChoices() throws Exception {
        for (String[] c : allCommands()) {
            String line = oneLineError(TrainCli.run(with(c, "--precision", "fp16")), c[0]);
            assertTrue(line.contains("--precision") && line.contains("fp16") && line.contains("fp32")
                    && line.contains("tf32") && line.contains("bf16"), line);
        }
    }

    @Test
    void hfConfigFilesMaySayBf16() throws Exception {
        String[] train = commands().get(0);
        Path yaml = tmp.resolve("args.yaml");
        java.nio.file.Files.writeString(yaml, "bf16: true\ntf32: false\n");
        String line = oneLineError(TrainCli.run(with(train, "--config", yaml.toString())), "train --config");
        assertTrue(line.contains("--precision bf16 needs --device cuda"), line);
    }

    @Test
    void contradictoryPrecisionsAreRefused() throws Exception {
        String[] c = commands().get(2);
        String line = oneLineError(TrainCli.run(with(c, "--precision", "fp32", "--bf16")), "predict");
        assertTrue(line.contains("--precision fp32") && line.contains("--bf16"), line);
    }

    @Test
    void fp32OnTheCpuIsFine() throws Exception {
        String[] c = commands().get(2);
        // the tiny model has no head: predict stops there, after the device was accepted
        TrainCli.Run r = TrainCli.run(with(c, "--precision", "fp32", "--device", "cpu"));
        assertTrue(r.err().contains("no classification head"), r.err());
    }

    @Test
    void unknownDevicesAndIndexesAreNamed() throws Exception {
        String[] c = commands().get(2);
        assertTrue(oneLineError(TrainCli.run(with(c, "--device", "tpu")), "tpu").contains("unknown device 'tpu'"));
        assertTrue(oneLineError(TrainCli.run(with(c, "--device", "cpu:1")), "cpu:1").contains("no device index"));
        assertTrue(oneLineError(TrainCli.run(with(c, "--device", "cuda:x")), "cuda:x").contains("device index"));
    }
}
