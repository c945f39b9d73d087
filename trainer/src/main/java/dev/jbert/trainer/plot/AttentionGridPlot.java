package dev.jbert.trainer.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * The attention maps of one input row as one picture: a grid of layers (rows, top to bottom) ×
 * heads (columns), each panel the head's attention probabilities with the query tokens down the
 * side and the key tokens along the bottom (row q, column k: how much token q attends to token k;
 * every row of a panel sums to 1). One colour scale, 0 to 1, for all panels, shown on the right.
 */
public final class AttentionGridPlot {
    private static final int MARGIN = 16;
    private static final int GAP = 10;
    private static final int TITLE_H = 30;
    private static final int HEADER_H = 20;
    private static final int LAYER_W = 58;
    private static final int BAR_W = 16;
    private static final int BAR_AREA = 90;

    private AttentionGridPlot() {
    }

    /** The side of one cell in pixels: panels of about 170 pixels, cells of 10 to 18. */
    static int cell(int tokens) {
        return Math.max(10, Math.min(18, 170 / Math.max(1, tokens)));
    }

    private static String title(PlotData d) {
        return "Attention probabilities, row " + d.row() + " (" + d.length() + " tokens): " + d.layers()
                + " layers × " + d.heads() + " heads; query tokens down, key tokens across";
    }

    /** The picture's size for this data. */
    public static Dimension size(PlotData d) {
        Layout l = new Layout(d);
        return new Dimension(l.width, l.height);
    }

    /** Where the cell of (layer, head, query token, key token) is drawn, in pixels. */
    public static Rectangle cell(PlotData d, int layer, int head, int query, int key) {
        Layout l = new Layout(d);
        return new Rectangle(l.panelX(head) + key * l.cell, l.panelY(layer) + query * l.cell, l.cell, l.cell);
    }

    public static BufferedImage draw(PlotData d) {
        Layout l = new Layout(d);
        BufferedImage image = new BufferedImage(l.width, l.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = HeatMapPainter.canvas(image);
        try {
            g.setColor(Color.BLACK);
            g.setFont(HeatMapPainter.TITLE);
            g.drawString(title(d), MARGIN, MARGIN + 16);
            g.setFont(HeatMapPainter.HEADER);
            for (int h = 0; h < d.heads(); h++) {
                HeatMapPainter.textCentered(g, "head " + h, l.panelX(h) + l.panel / 2, l.top - HEADER_H / 2);
            }
            for (int layer = 0; layer < d.layers(); layer++) {
                int y = l.panelY(layer);
                g.setFont(HeatMapPainter.HEADER);
                g.setColor(Color.BLACK);
                g.drawString("layer " + layer, MARGIN, y + l.panel / 2 + 5);
                g.setFont(HeatMapPainter.LABEL);
                int labelRight = l.panelX(0) - 4;
                for (int q = 0; q < d.length(); q++) {
                    HeatMapPainter.textRight(g, d.tokens().get(q), labelRight, y + q * l.cell + l.cell / 2, l.labelW);
                }
                for (int h = 0; h < d.heads(); h++) {
                    int x = l.panelX(h);
                    HeatMapPainter.cells(g, d.attention(layer, h), x, y, l.cell, l.cell, 0, 1);
                    g.setColor(Color.BLACK);
                    for (int k = 0; k < d.length(); k++) {
                        HeatMapPainter.textDown(g, d.tokens().get(k), x + k * l.cell + l.cell / 2, y + l.panel + 4,
                                l.labelW);
                    }
                }
            }
            int barX = l.panelX(d.heads()) + 4;
            HeatMapPainter.colorBar(g, barX, l.top, BAR_W, Math.max(120, l.panel), 0, 1, "probability");
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Where everything goes. */
    private static final class Layout {
        final int cell;
        final int panel;
        final int labelW;
        final int top;
        final int width;
        final int height;
        private final int rowH;
        private final int left;

        Layout(PlotData d) {
            cell = cell(d.length());
            panel = cell * d.length();
            labelW = HeatMapPainter.labelWidth(d.tokens(), HeatMapPainter.LABEL);
            top = MARGIN + TITLE_H + HEADER_H;
            left = MARGIN + LAYER_W + labelW + 6;
            rowH = panel + 4 + labelW + GAP;
            int titleW = HeatMapPainter.metrics(HeatMapPainter.TITLE).stringWidth(title(d)) + 2 * MARGIN;
            width = Math.max(titleW, left + d.heads() * (panel + GAP) + BAR_AREA + MARGIN);
            height = top + Math.max(d.layers() * rowH, Math.max(120, panel) + 40) + MARGIN;
        }

        int panelX(int head) {
            return left + head * (panel + GAP);
        }

        int panelY(int layer) {
            return top + layer * rowH;
        }
    }
}
