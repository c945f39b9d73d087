package dev.jbert.engine.nn;

import java.util.Arrays;

/**
 * One padded batch: B rows of T tokens. {@code tokenTypeIds} may be null (all zero);
 * {@code attentionMask} is 1 for real tokens and 0 for padding.
 */
public record ModelInput(int batch, int seqLen, int[] inputIds, int[] tokenTypeIds, float[] attentionMask) {
    public ModelInput {
        if (batch <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("batch must have at least one row and one token, got ["
                    + batch + ", " + seqLen + "]");
        }
        int n = batch * seqLen;
        check("input_ids", inputIds.length, n, batch, seqLen);
        if (tokenTypeIds != null) {
            check("token_type_ids", tokenTypeIds.length, n, batch, seqLen);
        }
        check("attention_mask", attentionMask.length, n, batch, seqLen);
    }

    private static void check(String what, int len, int n, int b, int t) {
        if (len != n) {
            throw new IllegalArgumentException(what + " has " + len + " values, expected " + n
                    + " for a batch of shape [" + b + ", " + t + "]");
        }
    }

    /** From rectangular int rows; the mask defaults to all ones, token types to null. */
    public static ModelInput of(int[][] ids, int[][] mask, int[][] types) {
        int b = ids.length;
        if (b == 0) {
            throw new IllegalArgumentException("input_ids holds no rows");
        }
        int t = ids[0].length;
        int[] flatIds = flatten("input_ids", ids, b, t);
        float[] m = new float[b * t];
        if (mask == null) {
            Arrays.fill(m, 1f);
        } else {
            if (mask.length != b) {
                throw new IllegalArgumentException("attention_mask has " + mask.length + " rows, input_ids has " + b);
            }
            int[] fm = flatten("attention_mask", mask, b, t);
            for (int i = 0; i < fm.length; i++) {
                if (fm[i] != 0 && fm[i] != 1) {
                    throw new IllegalArgumentException("attention_mask[" + (i / t) + "][" + (i % t)
                            + "] is " + fm[i] + ", expected 0 or 1");
                }
                m[i] = fm[i];
            }
        }
        int[] tt = null;
        if (types != null) {
            if (types.length != b) {
                throw new IllegalArgumentException("token_type_ids has " + types.length + " rows, input_ids has " + b);
            }
            tt = flatten("token_type_ids", types, b, t);
        }
        return new ModelInput(b, t, flatIds, tt, m);
    }

    private static int[] flatten(String what, int[][] rows, int b, int t) {
        int[] out = new int[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i] == null || rows[i].length != t) {
                throw new IllegalArgumentException(what + " row " + i + " has "
                        + (rows[i] == null ? 0 : rows[i].length) + " values, expected " + t
                        + " (rows must be padded to one length)");
            }
            System.arraycopy(rows[i], 0, out, i * t, t);
        }
        return out;
    }

    /** Number of real tokens in row b. */
    public int length(int b) {
        int n = 0;
        for (int i = 0; i < seqLen; i++) {
            if (attentionMask[b * seqLen + i] != 0f) {
                n++;
            }
        }
        return n;
    }
}
