package dev.jbert.trainer.plot;

import dev.jbert.engine.nn.Capture;
import dev.jbert.engine.nn.ModelInput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The numbers the plots of one input row draw, taken from a forward pass's {@link Capture} with the
 * padded positions left out: the row's tokens, every layer's attention probabilities
 * ({@code attention(l, h)[query][key]}, the same numbers as {@code inspect}'s
 * {@code attentions.l[row, h]} restricted to the real tokens), and the L2 norm of every hidden state
 * per token ({@code hiddenNorm(i)[token]}, i = 0 for the embedding output, i = l + 1 after layer l).
 *
 * @param row       the row of the batch
 * @param positions the positions of the real tokens in the padded row (attention mask 1), in order
 * @param tokens    their token strings
 */
public record PlotData(int row, int[] positions, List<String> tokens, float[][][][] attentions,
                       float[][] hiddenNorms) {

    public PlotData {
        tokens = List.copyOf(tokens);
        if (positions.length != tokens.size()) {
            throw new IllegalArgumentException(positions.length + " positions but " + tokens.size() + " tokens");
        }
    }

    /**
     * One PlotData per row of the batch.
     *
     * @param capture     a capture of hidden states ([B·T, C] each) and attentions ([B, H, T, T] each)
     * @param tokenOfId   the token string of an id (for the axis labels)
     */
    public static List<PlotData> fromCapture(Capture capture, ModelInput in, int numHeads, int hiddenSize,
                                             IntFunction<String> tokenOfId) {
        if (capture.attentions().isEmpty() || capture.hiddenStates().isEmpty()) {
            throw new IllegalArgumentException("the capture holds no attentions or hidden states: use new Capture(true, true)");
        }
        int t = in.seqLen();
        List<PlotData> out = new ArrayList<>(in.batch());
        for (int b = 0; b < in.batch(); b++) {
            int n = 0;
            for (int j = 0; j < t; j++) {
                n += in.attentionMask()[b * t + j] != 0 ? 1 : 0;
            }
            int[] pos = new int[n];
            List<String> tokens = new ArrayList<>(n);
            for (int j = 0, k = 0; j < t; j++) {
                if (in.attentionMask()[b * t + j] != 0) {
                    pos[k++] = j;
                    tokens.add(tokenOfId.apply(in.inputIds()[b * t + j]));
                }
            }
            List<float[]> att = capture.attentions();
            float[][][][] a = new float[att.size()][numHeads][n][n];
            for (int l = 0; l < att.size(); l++) {
                float[] p = att.get(l); // [B, H, T, T]
                for (int h = 0; h < numHeads; h++) {
                    for (int q = 0; q < n; q++) {
                        int base = ((b * numHeads + h) * t + pos[q]) * t;
                        for (int k = 0; k < n; k++) {
                            a[l][h][q][k] = p[base + pos[k]];
                        }
                    }
                }
            }
            List<float[]> hs = capture.hiddenStates();
            float[][] norms = new float[hs.size()][n];
            for (int i = 0; i < hs.size(); i++) {
                float[] x = hs.get(i); // [B·T, C]
                for (int q = 0; q < n; q++) {
                    int base = (b * t + pos[q]) * hiddenSize;
                    double s = 0;
                    for (int c = 0; c < hiddenSize; c++) {
                        s += (double) x[base + c] * x[base + c];
                    }
                    norms[i][q] = (float) Math.sqrt(s);
                }
            }
            out.add(new PlotData(b, pos, tokens, a, norms));
        }
        return out;
    }

    public int layers() {
        return attentions.length;
    }

    public int heads() {
        return attentions.length == 0 ? 0 : attentions[0].length;
    }

    /** N, the real tokens of the row. */
    public int length() {
        return tokens.size();
    }

    /** {@code [query][key]} probabilities of one layer and head. */
    public float[][] attention(int layer, int head) {
        return attentions[layer][head];
    }

    /** The norms of hidden state {@code i} (0: embeddings) per token. */
    public float[] hiddenNorm(int i) {
        return hiddenNorms[i];
    }
}
