package dev.jbert.trainer.data;

import java.util.List;

/**
 * A row's label as the file gives it, before the label set is known: what it means (a class, a
 * number, a set of names) is decided by {@link LabelInference} over the whole file.
 */
sealed interface RawLabel permits RawLabel.Scalar, RawLabel.Names, RawLabel.Flags {

    /** One value: a CSV/TSV cell, a JSON string, number or boolean. */
    record Scalar(String text) implements RawLabel {
    }

    /** Label names: a delimited cell ({@code "toxic|insult"}) or a JSON array of strings. */
    record Names(List<String> names) implements RawLabel {
    }

    /** One value in [0, 1] per label: 0/1 columns, or a JSON array of numbers. */
    record Flags(float[] values) implements RawLabel {
    }
}
