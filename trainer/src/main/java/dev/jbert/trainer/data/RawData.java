package dev.jbert.trainer.data;

import java.util.List;

/**
 * The good rows of one file as read, with the columns they came from.
 *
 * @param source      the file, as named in messages
 * @param columns     which columns (JSON fields) were used
 * @param rows        the rows that passed the reading checks, in file order
 * @param badRows     the rows left out so far (and the policy for later ones)
 * @param preTokenized the rows carry {@code input_ids} instead of text
 */
record RawData(String source, ColumnChoice columns, List<RawRow> rows, BadRows badRows, boolean preTokenized) {

    /** True when the rows carry labels. */
    boolean labelled() {
        return columns.labelled();
    }
}
