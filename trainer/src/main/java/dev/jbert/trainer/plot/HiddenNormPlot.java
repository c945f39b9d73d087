package dev.jbert.trainer.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * The L2 norm of every hidden state of one input row as a heat map: one row per hidden state
 * (the embedding output, then the output of each layer), one column per token, each cell coloured
 * on the map's own range and labelled with its value.
 */
public final class HiddenNormPlot {
    private static final int MARGIN = 16;
    private static final int TITLE_H = 30;
    private static final int ROW_NAME_W = 104;
    private static final int CELL_H = 24;
    private static final int BAR_W = 16;
    private static final int BAR_AREA = 90;

    private HiddenNormPlot() {
    }

    public static Dimension size(PlotData d) {
        Layout l = new Layout(d);
        return new Dimension(l.width, l.height);
    }

    /** Row names, by {@code hidden_states} index: {@code 0: embeddings}, {@code 1: after layer 0}, ... */
    static String rowName(int i) {
        return i == 0 ? "0: embeddings" : i + ": after layer " + (i - 1);
    }

    /** Where the cell of hidden state {@code i} (0: embeddings) and token {@code t} is drawn, in pixels. */
    public static Rectangle cell(PlotData d, int i, int t) {
        Layout l = new Layout(d);
        return new Rectangle(l.left + t * l.cellW, l.top + i * CELL_H, l.cellW, CELL_H);
    }

    /** The colour scale, {@code {min, max}} of all the norms. */
    public static double[] range(PlotData d) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] r : d.hiddenNorms()) {
            for (float v : r) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new double[] {min, max};
    }

    public static BufferedImage draw(PlotData d) {
        Layout l = new Layout(d);
        BufferedImage image = new BufferedImage(l.width, l.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = HeatMapPainter.canvas(image);
        try {
            float[][] m = d.hiddenNorms();
            double[] range = range(d);
            double min = range[0];
            double max = range[1];
            g.setColor(Color.BLACK);
            g.setFont(HeatMapPainter.TITLE);
            g.drawString("L2 norm of each hidden state per token, row " + d.row(), MARGIN, MARGIN + 16);
            HeatMapPainter.cells(g, m, l.left, l.top, l.cellW, CELL_H, min, max);
            g.setFont(HeatMapPainter.LABEL);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < m.length; i++) {
                int cy = l.top + i * CELL_H + CELL_H / 2;
                g.setColor(Color.BLACK);
                HeatMapPainter.textRight(g, rowName(i), l.left - 6, cy, ROW_NAME_W);
                for (int t = 0; t < m[i].length; t++) {
                    Color bg = Colormap.viridis(m[i][t], min, max);
                    g.setColor(Colormap.textOn(bg));
                    String s = HeatMapPainter.number(m[i][t]);
                    if (fm.stringWidth(s) < l.cellW - 2) {
                        HeatMapPainter.textCentered(g, s, l.left + t * l.cellW + l.cellW / 2, cy);
                    }
                }
            }
            g.setColor(Color.BLACK);
            int below = l.top + m.length * CELL_H + 4;
            for (int t = 0; t < d.length(); t++) {
                HeatMapPainter.textDown(g, d.tokens().get(t), l.left + t * l.cellW + l.cellW / 2, below, l.labelW);
            }
            HeatMapPainter.colorBar(g, l.left + d.length() * l.cellW + 12, l.top, BAR_W,
                    Math.max(m.length * CELL_H, 100), min, max, "norm");
        } finally {
            g.dispose();
        }
        return image;
    }

    private static final class Layout {
        final int cellW;
        final int labelW;
        final int left;
        final int top;
        final int width;
        final int height;

        Layout(PlotData d) {
            FontMetrics fm = HeatMapPainter.metrics(HeatMapPainter.LABEL);
            cellW = Math.max(22, fm.stringWidth("00.00") + 8);
            labelW = HeatMapPainter.labelWidth(d.tokens(), HeatMapPainter.LABEL);
            left = MARGIN + ROW_NAME_W + 6;
            top = MARGIN + TITLE_H;
            int rows = d.hiddenNorms().length;
            int titleW = HeatMapPainter.metrics(HeatMapPainter.TITLE).stringWidth(
                    "L2 norm of each hidden state per token, row " + d.row()) + 2 * MARGIN;
            width = Math.max(titleW, left + d.length() * cellW + 12 + BAR_AREA + MARGIN);
            height = top + Math.max(rows * CELL_H + 4 + labelW, Math.max(rows * CELL_H, 100) + 30) + MARGIN;
        }
    }
}
