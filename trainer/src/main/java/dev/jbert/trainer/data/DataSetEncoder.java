package dev.jbert.trainer.data;

import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.EncodeOptions;
import dev.jbert.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes a data set once, before training: {@code [CLS] text [SEP]} or
 * {@code [CLS] text [SEP] pair [SEP]}, truncated to {@code maxLength} tokens, not padded (the
 * {@link Batcher} pads each batch to its own longest row). As run_glue.py's
 * {@code tokenizer(texts, pairs, max_length=max_seq_length, truncation=True)} with
 * {@code padding=False}. Work is spread over the common fork-join pool by
 * {@link BertTokenizer#encodeBatch}, a chunk of rows at a time.
 *
 * <p>A pre-tokenized data set is checked instead: each id must be below the vocabulary size and each
 * row at most {@code maxLength} long; a row that is not is a bad row (reported under the data set's
 * bad-row policy: fail, or skip and count).
 */
public final class DataSetEncoder {
    private static final int CHUNK = 4096;

    private DataSetEncoder() {
    }

    /** Tokenizes with longest-first truncation to {@code maxLength} (0: no limit). */
    public static DataSet encode(DataSet data, BertTokenizer tokenizer, int maxLength) {
        return encode(data, tokenizer, maxLength, EncodeOptions.Truncation.LONGEST_FIRST);
    }

    /** Tokenizes with this truncation to {@code maxLength} (0: no limit). */
    public static DataSet encode(DataSet data, BertTokenizer tokenizer, int maxLength,
                                 EncodeOptions.Truncation truncation) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must be 0 (none) or positive, got " + maxLength);
        }
        if (!data.hasText()) {
            return checkPreTokenized(data, tokenizer, maxLength);
        }
        EncodeOptions opts = EncodeOptions.defaults().withMaxLength(maxLength).withTruncation(truncation);
        int n = data.size();
        int[][] ids = new int[n][];
        int[][] types = data.hasPairs() ? new int[n][] : null;
        List<Integer> overflow = new ArrayList<>();
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            List<String> texts = new ArrayList<>(to - from);
            List<String> pairs = data.hasPairs() ? new ArrayList<>(to - from) : null;
            for (int i = from; i < to; i++) {
                texts.add(data.text(i));
                if (pairs != null) {
                    pairs.add(data.pair(i));
                }
            }
            List<Encoding> enc = tokenizer.encodeBatch(texts, pairs, opts);
            for (int i = from; i < to; i++) {
                Encoding e = enc.get(i - from);
                ids[i] = e.inputIds();
                if (types != null) {
                    types[i] = e.tokenTypeIds();
                }
                if (maxLength > 0 && e.length() > maxLength) {
                    overflow.add(i);
                }
            }
        }
        DataSet out = data.withEncoding(ids, types, null, tokenizer.padId());
        if (overflow.isEmpty()) {
            return out;
        }
        boolean[] bad = new boolean[n];
        for (int i : overflow) {
            data.badRows().report(data.line(i), "cannot truncate to " + maxLength + " tokens with " + truncation
                    + " truncation: " + ids[i].length + " tokens");
            bad[i] = true;
        }
        return out.subset(keep(data, bad));
    }

    private static DataSet checkPreTokenized(DataSet data, BertTokenizer tokenizer, int maxLength) {
        int vocab = tokenizer.vocab().size();
        int n = data.size();
        boolean[] bad = new boolean[n];
        boolean anyBad = false;
        int[][] ids = new int[n][];
        int[][] types = hasTypes(data) ? new int[n][] : null;
        int[][] masks = hasMasks(data) ? new int[n][] : null;
        for (int i = 0; i < n; i++) {
            int[] row = data.inputIds(i);
            ids[i] = row;
            if (types != null) {
                types[i] = data.tokenTypeIds(i);
            }
            if (masks != null) {
                masks[i] = data.attentionMask(i);
            }
            String reason = null;
            if (maxLength > 0 && row.length > maxLength) {
                reason = "input_ids has " + row.length + " tokens, more than the maximum length " + maxLength;
            } else {
                for (int j = 0; j < row.length; j++) {
                    if (row[j] >= vocab) {
                        reason = "input_ids: entry " + j + " is " + row[j] + ", not below the vocabulary size " + vocab;
                        break;
                    }
                }
            }
            if (reason != null) {
                data.badRows().report(data.line(i), reason);
                bad[i] = true;
                anyBad = true;
            }
        }
        DataSet out = data.withEncoding(ids, types, masks, tokenizer.padId());
        return anyBad ? out.subset(keep(data, bad)) : out;
    }

    private static boolean hasTypes(DataSet d) {
        for (int i = 0; i < d.size(); i++) {
            if (d.tokenTypeIds(i) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMasks(DataSet d) {
        for (int i = 0; i < d.size(); i++) {
            if (d.attentionMask(i) != null) {
                return true;
            }
        }
        return false;
    }

    private static int[] keep(DataSet data, boolean[] bad) {
        int[] out = new int[bad.length];
        int k = 0;
        for (int i = 0; i < bad.length; i++) {
            if (!bad[i]) {
                out[k++] = i;
            }
        }
        if (k == 0) {
            throw new dev.jbert.cli.UserException(data.source() + ": no good row left after tokenization ("
                    + data.badRows().summary() + ")");
        }
        return Arrays.copyOf(out, k);
    }
}
