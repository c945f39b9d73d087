package dev.jbert.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Main;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.io.Checkpoint;
import dev.jbert.engine.nn.Capture;
import dev.jbert.engine.nn.EncoderModel;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.nn.RunContext;
import dev.jbert.engine.testing.Shared;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.trainer.model.BatchJson;
import dev.jbert.trainer.model.ModelFolder;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbert inspect --plot} on all-MiniLM-L6-v2 with fixed sentences: the plots' numbers
 * ({@link PlotData}) are {@code inspect}'s {@code attentions.*} and the norms of its
 * {@code hidden_states.*} without the padded positions, and the PNGs show them: every cell's colour
 * is the colour of its number.
 */
class AttentionPlotTest {
    static final List<String> TEXTS = List.of("The cat sat on the mat because it was tired.", "Attention is all you need.");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path tensors;
    static Path plots;
    static List<PlotData> data;
    static JsonNode summary;

    @BeforeAll
    static void inspect() throws Exception {
        Path minilm = Shared.require("models/all-MiniLM-L6-v2");
        tensors = tmp.resolve("minilm.safetensors");
        plots = tmp.resolve("plots");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = Main.run("inspect", "--model", minilm.toString(), "--text", TEXTS.get(0), "--text", TEXTS.get(1),
                    "--output", tensors.toString(), "--plot", plots.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, status);
        summary = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        // the same forward pass as inspect's, kept here as the plots' data
        ModelFolder folder = ModelFolder.open(minilm);
        BertTokenizer tok = folder.tokenizer();
        EncoderModel encoder = folder.loadEncoder(null);
        ModelInput in = BatchJson.fromTexts(tok, TEXTS, null, 512);
        Capture cap = new Capture(true, true);
        encoder.forward(new RunContext(Backends.byName("cpu")), in, cap);
        data = PlotData.fromCapture(cap, in, 12, 384, id -> tok.vocab().token(id));
    }

    @Test
    void plotDataIsInspectsAttentionsWithoutPadding() throws Exception {
        assertEquals(2, data.size());
        assertEquals(List.of("[CLS]", "the", "cat", "sat", "on", "the", "mat", "because", "it", "was", "tired", ".",
                "[SEP]"), data.get(0).tokens());
        assertEquals(List.of("[CLS]", "attention", "is", "all", "you", "need", ".", "[SEP]"), data.get(1).tokens());
        try (Checkpoint ck = Checkpoint.open(tensors)) {
            int[] shape = ck.info("attentions.0").shape();
            int t = shape[3];
            assertEquals(13, t, "padded to the longer row");
            for (PlotData d : data) {
                assertEquals(6, d.layers());
                assertEquals(12, d.heads());
                for (int l = 0; l < 6; l++) {
                    float[] a = ck.readFloat("attentions." + l).data(); // [B, H, T, T]
                    for (int h = 0; h < 12; h++) {
                        float[][] m = d.attention(l, h);
                        assertEquals(d.length(), m.length);
                        for (int q = 0; q < d.length(); q++) {
                            double rowSum = 0;
                            for (int k = 0; k < d.length(); k++) {
                                float want = a[((d.row() * 12 + h) * t + q) * t + k];
                                assertEquals(want, m[q][k], 1e-6, "row " + d.row() + " attentions." + l + "[" + h + "]["
                                        + q + "][" + k + "]");
                                rowSum += m[q][k];
                            }
                            assertEquals(1, rowSum, 1e-5, "padded keys have probability 0");
                        }
                    }
                }
                for (int i = 0; i <= 6; i++) {
                    float[] hs = ck.readFloat("hidden_states." + i).data(); // [B, T, C]
                    for (int q = 0; q < d.length(); q++) {
                        double s = 0;
                        for (int c = 0; c < 384; c++) {
                            double x = hs[(d.row() * t + q) * 384 + c];
                            s += x * x;
                        }
                        assertEquals(Math.sqrt(s), d.hiddenNorm(i)[q], 1e-4 * Math.sqrt(s), "norm " + i + "/" + q);
                    }
                }
            }
        }
    }

    @Test
    void thePngsExistDecodeAndShowTheNumbers() throws Exception {
        assertEquals(4, summary.get("plots").size(), summary.toString());
        for (PlotData d : data) {
            Path att = plots.resolve("attention-row" + d.row() + ".png");
            Path norms = plots.resolve("hidden-norms-row" + d.row() + ".png");
            assertTrue(Files.isRegularFile(att) && Files.isRegularFile(norms), "files of row " + d.row());
            BufferedImage a = ImageIO.read(att.toFile());
            assertNotNull(a, "decodes as PNG");
            Dimension size = AttentionGridPlot.size(d);
            assertEquals(size.width, a.getWidth());
            assertEquals(size.height, a.getHeight());
            int cell = AttentionGridPlot.cell(d.length());
            assertTrue(a.getWidth() > 12 * d.length() * cell && a.getHeight() > 6 * d.length() * cell,
                    a.getWidth() + "x" + a.getHeight());
            for (int l = 0; l < 6; l++) {
                for (int h = 0; h < 12; h++) {
                    for (int q = 0; q < d.length(); q++) {
                        for (int k = 0; k < d.length(); k++) {
                            Rectangle r = AttentionGridPlot.cell(d, l, h, q, k);
                            assertColor(Colormap.viridis(d.attention(l, h)[q][k], 0, 1),
                                    a.getRGB(r.x + r.width / 2, r.y + r.height / 2), "layer " + l + " head " + h);
                        }
                    }
                }
            }
            BufferedImage n = ImageIO.read(norms.toFile());
            assertNotNull(n);
            assertEquals(HiddenNormPlot.size(d), new Dimension(n.getWidth(), n.getHeight()));
            double[] range = HiddenNormPlot.range(d);
            for (int i = 0; i <= 6; i++) {
                for (int q = 0; q < d.length(); q++) {
                    Rectangle r = HiddenNormPlot.cell(d, i, q);
                    assertColor(Colormap.viridis(d.hiddenNorm(i)[q], range[0], range[1]), n.getRGB(r.x + 2, r.y + 2),
                            "norm " + i + "/" + q);
                }
            }
        }
    }

    private static void assertColor(Color want, int rgb, String where) {
        Color got = new Color(rgb);
        assertTrue(Math.abs(want.getRed() - got.getRed()) <= 1 && Math.abs(want.getGreen() - got.getGreen()) <= 1
                && Math.abs(want.getBlue() - got.getBlue()) <= 1, where + ": " + want + " vs " + got);
    }
}
