package dev.jbert.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link Gemm}: an {@link #MR}×{@link #NR} tile of C
 * accumulated in vector registers over {@code kc} steps, reading packed panels of A and B.
 *
 * <p>Shapes (L = lanes of {@link FloatVector#SPECIES_PREFERRED}):
 * <ul>
 *   <li>AVX-512 and wider (L ≥ 16, 32 vector registers): 8×2L, i.e. 8×32 — 16 accumulators,
 *       2 B vectors and 1 broadcast per step.</li>
 *   <li>AVX2 and narrower (16 vector registers): 4×2L, i.e. 4×16 — 8 accumulators. C2 spills a
 *       register in the loop of the textbook 6×16 shape there and runs at half speed.</li>
 * </ul>
 *
 * <p>The kernel only stores its raw accumulators (to C directly when nothing else is to be done,
 * or to a scratch tile that {@link Gemm}'s epilogue reads). It is kept this small on purpose:
 * every Vector API call expands to many IR nodes in C2, and a method that grows past C2's node
 * budget stops inlining its helpers, which boxes the vectors and costs 100×.
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = L >= 16 ? 8 : 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    private GemmMicroKernel() {
    }

    /**
     * dst[r*ldd + j] = Σ_p ap[aOff + p*MR + r] · bp[bOff + p*NR + j] for r < MR, j < NR.
     * ap holds an MR-row sliver of packed A ({@code kc} steps of MR values), bp an NR-column
     * sliver of packed B ({@code kc} steps of NR values).
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] dst, int dOff, int ldd) {
        if (MR == 8) {
            kernel8(kc, ap, aOff, bp, bOff, dst, dOff, ldd);
        } else {
            kernel4(kc, ap, aOff, bp, bOff, dst, dOff, ldd);
        }
    }

    private static void kernel8(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] dst, int dOff, int ldd) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            int ai = aOff + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        int d = dOff;
        c00.intoArray(dst, d);
        c01.intoArray(dst, d + L);
        d += ldd;
        c10.intoArray(dst, d);
        c11.intoArray(dst, d + L);
        d += ldd;
        c20.intoArray(dst, d);
        c21.intoArray(dst, d + L);
        d += ldd;
        c30.intoArray(dst, d);
        c31.intoArray(dst, d + L);
        d += ldd;
        c40.intoArray(dst, d);
        c41.intoArray(dst, d + L);
        d += ldd;
        c50.intoArray(dst, d);
        c51.intoArray(dst, d + L);
        d += ldd;
        c60.intoArray(dst, d);
        c61.intoArray(dst, d + L);
        d += ldd;
        c70.intoArray(dst, d);
        c71.intoArray(dst, d + L);
    }

    private static void kernel4(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] dst, int dOff, int ldd) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            int ai = aOff + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        int d = dOff;
        c00.intoArray(dst, d);
        c01.intoArray(dst, d + L);
        d += ldd;
        c10.intoArray(dst, d);
        c11.intoArray(dst, d + L);
        d += ldd;
        c20.intoArray(dst, d);
        c21.intoArray(dst, d + L);
        d += ldd;
        c30.intoArray(dst, d);
        c31.intoArray(dst, d + L);
    }
}
