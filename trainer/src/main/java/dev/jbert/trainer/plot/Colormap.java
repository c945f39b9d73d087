package dev.jbert.trainer.plot;

import java.awt.Color;

/**
 * Matplotlib's perceptually uniform {@code viridis} colour map (dark purple → teal → yellow),
 * interpolated linearly between nine of its samples.
 */
public final class Colormap {
    private static final int[] STOPS = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779,
        0x6ece58, 0xfde725};

    private Colormap() {
    }

    /** The colour of {@code v} on a scale from {@code min} to {@code max} (clamped). */
    public static Color viridis(double v, double min, double max) {
        double f = max > min ? (v - min) / (max - min) : 0;
        if (!(f > 0)) {
            f = 0;
        }
        f = Math.min(1, f) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) f);
        double w = f - i;
        int a = STOPS[i];
        int b = STOPS[i + 1];
        return new Color(mix(a >> 16, b >> 16, w), mix(a >> 8, b >> 8, w), mix(a, b, w));
    }

    /** Black or white, whichever reads better on {@code background}. */
    public static Color textOn(Color background) {
        double luma = 0.299 * background.getRed() + 0.587 * background.getGreen() + 0.114 * background.getBlue();
        return luma > 140 ? Color.BLACK : Color.WHITE;
    }

    private static int mix(int a, int b, double w) {
        return (int) Math.round((a & 0xff) * (1 - w) + (b & 0xff) * w);
    }
}
