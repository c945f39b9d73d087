package dev.jbert.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code training_curves.png}: the training loss, the learning rate and the tracked evaluation metric
 * (with the evaluation loss) against the optimizer step, side by side, drawn with XChart from the log
 * history and written atomically.
 */
public final class TrainingCurves {
    public static final String FILE_NAME = "training_curves.png";
    private static final int WIDTH = 560;
    private static final int HEIGHT = 400;

    private TrainingCurves() {
    }

    /**
     * Draws the curves of a log history.
     *
     * @param metricKey the evaluation metric to draw besides {@code eval_loss} (e.g.
     *                  {@code eval_accuracy}), or null for the loss alone
     */
    public static void write(Path file, List<ObjectNode> history, String metricKey) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = new ArrayList<>();
        charts.add(chart("Training loss", "loss", history, "loss", "train loss"));
        charts.add(chart("Learning rate", "learning rate", history, "learning_rate", "learning rate"));
        XYChart eval = chart("Evaluation", "value", history, "eval_loss", "eval loss");
        if (metricKey != null && !metricKey.equals("eval_loss")) {
            addSeries(eval, history, metricKey, metricKey.substring("eval_".length()));
        }
        charts.add(eval);
        BufferedImage image = new BufferedImage(WIDTH * charts.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), i * WIDTH, 0, null);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        AtomicFiles.writeBytes(file, png.toByteArray());
    }

    /** The metric drawn beside the evaluation loss when none is tracked: accuracy, micro F1, or none. */
    public static String defaultMetric(ProblemType type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> "eval_accuracy";
            case MULTI_LABEL_CLASSIFICATION -> "eval_f1_micro";
            case REGRESSION -> null;
        };
    }

    private static XYChart chart(String title, String yTitle, List<ObjectNode> history, String key, String series) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step")
                .yAxisTitle(yTitle).build();
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        addSeries(c, history, key, series);
        return c;
    }

    private static void addSeries(XYChart c, List<ObjectNode> history, String key, String name) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (ObjectNode e : history) {
            JsonNode v = e.get(key);
            JsonNode step = e.get("step");
            if (v != null && v.isNumber() && Double.isFinite(v.asDouble()) && step != null) {
                xs.add(step.asDouble());
                ys.add(v.asDouble());
            }
        }
        if (xs.isEmpty()) {
            // XChart needs a point; an empty chart shows the axes alone
            c.addSeries(name + " (none)", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE)
                    .setLineColor(new Color(0, 0, 0, 0));
            return;
        }
        c.addSeries(name, xs, ys).setMarker(xs.size() > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }
}
