package dev.jbert.trainer.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pictures {@code jbert inspect --plot DIR} writes for each input row {@code b}:
 * {@code DIR/attention-row{b}.png} ({@link AttentionGridPlot}) and
 * {@code DIR/hidden-norms-row{b}.png} ({@link HiddenNormPlot}).
 */
public final class ModelPlots {
    private ModelPlots() {
    }

    public static Path attentionFile(Path dir, int row) {
        return dir.resolve("attention-row" + row + ".png");
    }

    public static Path hiddenNormsFile(Path dir, int row) {
        return dir.resolve("hidden-norms-row" + row + ".png");
    }

    /** Draws and writes both pictures of every row; returns the files written, in order. */
    public static List<Path> write(Path dir, List<PlotData> rows) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (PlotData d : rows) {
            Path a = attentionFile(dir, d.row());
            HeatMapPainter.writePng(AttentionGridPlot.draw(d), a);
            out.add(a);
            Path h = hiddenNormsFile(dir, d.row());
            HeatMapPainter.writePng(HiddenNormPlot.draw(d), h);
            out.add(h);
        }
        return out;
    }
}
