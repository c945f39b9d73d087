package dev.jbert.engine.cpu;

import static dev.jbert.engine.cpu.GemmMicroKernel.L;
import static dev.jbert.engine.cpu.GemmMicroKernel.MR;
import static dev.jbert.engine.cpu.GemmMicroKernel.NR;
import static dev.jbert.engine.cpu.GemmMicroKernel.S;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the panel layouts that {@link GemmMicroKernel} streams,
 * resolving the transposes on the way (so the kernel sees one layout only) and padding partial
 * slivers with zeros (so the kernel always computes full tiles).
 *
 * <pre>
 * packed A: slivers of MR rows; sliver s holds op(A)[i0 + s*MR + r, p0 + p] at s*MR*kc + p*MR + r
 * packed B: slivers of NR cols; sliver s holds op(B)[p0 + p, j0 + s*NR + j] at s*NR*kc + p*NR + j
 * </pre>
 */
final class GemmPacking {
    /** A vector of exactly MR floats (256 bits for MR = 8), for copying a row of a transposed A sliver. */
    private static final VectorSpecies<Float> AS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(MR * Float.SIZE));
    /** Whether that vector is native (not wider than the preferred shape). */
    private static final boolean SLIVER_VECTOR = MR * Float.SIZE <= S.vectorBitSize();

    private GemmPacking() {
    }

    /** Packs op(A)[i0 : i0+mc, p0 : p0+kc] into {@code dst} (from 0), in ceil(mc/MR) slivers. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        for (int s = 0; s * MR < mc; s++) {
            int rows = Math.min(MR, mc - s * MR);
            int base = s * MR * kc;
            int i = i0 + s * MR;
            if (!transA) {
                // op(A)[i, p] = a[aOff + i*lda + p]: each row is contiguous along p
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i + r) * lda + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + r] = a[src + p];
                    }
                }
            } else if (rows == MR && SLIVER_VECTOR) {
                // op(A)[i, p] = a[aOff + p*lda + i]: MR consecutive rows of op(A) are contiguous
                int src = aOff + p0 * lda + i;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(AS, a, src + p * lda).intoArray(dst, base + p * MR);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i;
                    for (int r = 0; r < rows; r++) {
                        dst[base + p * MR + r] = a[src + r];
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(dst, base + p * MR + rows, base + (p + 1) * MR, 0f);
                }
            }
        }
    }

    /**
     * Packs slivers [sFrom, sTo) of op(B)[p0 : p0+kc, j0 : j0+nc] into {@code dst} (sliver s at
     * s*NR*kc). Slivers are independent, so threads may pack disjoint ranges of one panel.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                      float[] dst, int sFrom, int sTo) {
        for (int s = sFrom; s < sTo; s++) {
            int cols = Math.min(NR, nc - s * NR);
            int base = s * NR * kc;
            int j = j0 + s * NR;
            if (!transB) {
                // op(B)[p, j] = b[bOff + p*ldb + j]: NR consecutive columns are contiguous
                int src = bOff + p0 * ldb + j;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++) {
                        int from = src + p * ldb;
                        int to = base + p * NR;
                        FloatVector.fromArray(S, b, from).intoArray(dst, to);
                        FloatVector.fromArray(S, b, from + L).intoArray(dst, to + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(b, src + p * ldb, dst, base + p * NR, cols);
                        Arrays.fill(dst, base + p * NR + cols, base + (p + 1) * NR, 0f);
                    }
                }
            } else {
                // op(B)[p, j] = b[bOff + j*ldb + p]: each column of op(B) is a contiguous row of b
                for (int c = 0; c < cols; c++) {
                    int src = bOff + (j + c) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + c] = b[src + p];
                    }
                }
                if (cols < NR) {
                    for (int p = 0; p < kc; p++) {
                        Arrays.fill(dst, base + p * NR + cols, base + (p + 1) * NR, 0f);
                    }
                }
            }
        }
    }
}
