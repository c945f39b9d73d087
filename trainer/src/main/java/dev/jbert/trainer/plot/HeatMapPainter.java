package dev.jbert.trainer.plot;

import dev.jbert.engine.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Java2D drawing shared by the plots: a white canvas, a matrix as coloured cells, a colour bar,
 * token labels (straight or turned to read downwards), and writing the PNG with the JDK's ImageIO.
 * Headless: nothing here needs a display.
 */
public final class HeatMapPainter {
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font HEADER = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final int MAX_LABEL = 110;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private HeatMapPainter() {
    }

    /** A white image with text anti-aliasing on; the caller disposes the graphics. */
    static Graphics2D canvas(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    /** Metrics of a font without an image to draw on (for laying out before drawing). */
    static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    /** The width of the widest label (each cut to what {@link #fit} keeps). */
    static int labelWidth(List<String> labels, Font font) {
        FontMetrics fm = metrics(font);
        int w = 0;
        for (String s : labels) {
            w = Math.max(w, fm.stringWidth(fit(s, fm, MAX_LABEL)));
        }
        return w;
    }

    /** The label, cut with an ellipsis to at most {@code maxWidth} pixels. */
    static String fit(String s, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(s) <= maxWidth) {
            return s;
        }
        String t = s;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > maxWidth) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    /** The matrix {@code m[row][col]} as cells of {@code cw × ch} pixels from (x, y), coloured on [min, max]. */
    static void cells(Graphics2D g, float[][] m, int x, int y, int cw, int ch, double min, double max) {
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[r].length; c++) {
                g.setColor(Colormap.viridis(m[r][c], min, max));
                g.fillRect(x + c * cw, y + r * ch, cw, ch);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(x - 1, y - 1, m.length == 0 ? 1 : m[0].length * cw + 1, m.length * ch + 1);
    }

    /** A vertical colour bar (max at the top) with its minimum, middle and maximum written beside it. */
    static void colorBar(Graphics2D g, int x, int y, int w, int h, double min, double max, String caption) {
        for (int i = 0; i < h; i++) {
            g.setColor(Colormap.viridis(max - (max - min) * i / Math.max(1, h - 1), min, max));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w, h);
        g.setFont(LABEL);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        int baseline = fm.getAscent() / 2;
        g.drawString(number(max), x + w + 4, y + baseline);
        g.drawString(number((min + max) / 2), x + w + 4, y + h / 2 + baseline);
        g.drawString(number(min), x + w + 4, y + h + baseline);
        if (caption != null) {
            g.drawString(caption, x, y + h + fm.getHeight() + 6);
        }
    }

    /** Text ending at {@code right}, centred on {@code cy}. */
    static void textRight(Graphics2D g, String s, int right, int cy, int maxWidth) {
        FontMetrics fm = g.getFontMetrics();
        String t = fit(s, fm, maxWidth);
        g.drawString(t, right - fm.stringWidth(t), cy + (fm.getAscent() - fm.getDescent()) / 2);
    }

    /** Text centred on (cx, cy). */
    static void textCentered(Graphics2D g, String s, int cx, int cy) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, cx - fm.stringWidth(s) / 2, cy + (fm.getAscent() - fm.getDescent()) / 2);
    }

    /** Text turned a quarter clockwise (reading downwards), starting at {@code top}, centred on {@code cx}. */
    static void textDown(Graphics2D g, String s, int cx, int top, int maxWidth) {
        FontMetrics fm = g.getFontMetrics();
        String t = fit(s, fm, maxWidth);
        AffineTransform saved = g.getTransform();
        g.translate(cx - (fm.getAscent() - fm.getDescent()) / 2.0, top);
        g.rotate(Math.PI / 2);
        g.drawString(t, 0, 0);
        g.setTransform(saved);
    }

    /** Up to three significant decimals, without trailing noise. */
    static String number(double v) {
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, v);
    }

    /** Encodes the image as PNG (ImageIO) and writes it atomically. */
    static void writePng(BufferedImage image, Path file) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer in this JDK");
        }
        AtomicFiles.writeBytes(file, png.toByteArray());
    }
}
