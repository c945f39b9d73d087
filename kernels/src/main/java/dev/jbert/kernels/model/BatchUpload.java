package dev.jbert.kernels.model;

import dev.jbert.engine.nn.ModelInput;
import dev.jbert.kernels.device.Device;

/**
 * Puts one padded batch on the device: input ids and token type ids as int32 [B, T], the
 * attention mask as the float key mask [B, T] of the attention kernels. Checks it first, as the
 * CPU embeddings do (the kernels index tables with these ids and would read out of bounds), and
 * against the batch size and sequence length the device memory was sized for.
 */
final class BatchUpload {
    private final int maxBatch;
    private final int maxSeqLen;
    private final int vocab;
    private final int maxPositions;
    private final int typeVocab; // 0: no token type table (DistilBERT)

    BatchUpload(int maxBatch, int maxSeqLen, int vocab, int maxPositions, int typeVocab) {
        this.maxBatch = maxBatch;
        this.maxSeqLen = maxSeqLen;
        this.vocab = vocab;
        this.maxPositions = maxPositions;
        this.typeVocab = typeVocab;
    }

    /** Validates {@code in} and copies it to the batch buffers; returns whether token types were sent. */
    boolean upload(Device device, ModelInput in, ActivationBuffers buf) {
        check(in);
        int m = in.batch() * in.seqLen();
        device.toDevice(buf.inputIds, in.inputIds(), 0, m);
        device.toDevice(buf.keyMask, in.attentionMask(), 0, m);
        boolean types = in.tokenTypeIds() != null && typeVocab > 0;
        if (types) {
            device.toDevice(buf.tokenTypeIds, in.tokenTypeIds(), 0, m);
        }
        return types;
    }

    void check(ModelInput in) {
        int b = in.batch();
        int t = in.seqLen();
        if (b > maxBatch || t > maxSeqLen) {
            throw new IllegalArgumentException("a batch of " + b + " × " + t + " tokens does not fit the device model, "
                    + "whose memory was sized for at most " + maxBatch + " × " + maxSeqLen);
        }
        if (t > maxPositions) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + maxPositions);
        }
        int[] ids = in.inputIds();
        for (int r = 0; r < b * t; r++) {
            if (ids[r] < 0 || ids[r] >= vocab) {
                throw new IllegalArgumentException("input_ids[" + (r / t) + "][" + (r % t) + "] = " + ids[r]
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int[] types = in.tokenTypeIds();
        if (types != null) {
            int nt = typeVocab == 0 ? 1 : typeVocab;
            for (int r = 0; r < b * t; r++) {
                if (types[r] < 0 || types[r] >= nt) {
                    throw new IllegalArgumentException("token_type_ids[" + (r / t) + "][" + (r % t) + "] = "
                            + types[r] + " is outside [0, " + nt + ")"
                            + (typeVocab == 0 ? " (this model has no token types)" : ""));
                }
            }
        }
    }
}
