package dev.jbert.engine.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small Vector API building blocks shared by the fused CPU kernels (layernorm, attention):
 * sums, a strided transpose, and a register-blocked product of a few rows of a matrix with a
 * row-major matrix. Every loop handles any length: whole vectors first, then one masked vector
 * for the tail.
 *
 * <p>These are deliberately not a general sgemm (see {@code Gemm}); they are tuned for the
 * attention shapes, where one side is T×D or D×T with D = 16..128.
 *
 * <p>Reproducibility: {@code reduceLanes(ADD)} and {@code lanewise(EXP)} are allowed to give
 * different roundings in the interpreter (Java fallback) and in JIT-compiled code (intrinsics),
 * so a kernel using them can return different bits for the same input depending on how warm the
 * JVM is. Everything here is built from exactly rounded lane-wise operations in a fixed order
 * instead ({@link #sumLanes}, {@link #exp}), so results depend only on the input and the vector
 * width, never on the JIT.
 */
final class VectorOps {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    /** HALVES[k] moves lane i + L/2^(k+1) to lane i: one step of a fixed-order tree reduction. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    private VectorOps() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] h = (VectorShuffle<Float>[]) new VectorShuffle<?>[steps];
        for (int k = 0, s = L / 2; s >= 1; k++, s /= 2) {
            final int shift = s;
            h[k] = VectorShuffle.fromOp(F, i -> (i + shift) % L);
        }
        return h;
    }

    /**
     * Σ of the lanes, as a fixed pairwise tree (lane i + L/2 onto lane i, then + L/4, ...). Unlike
     * {@code reduceLanes(ADD)}, whose order is unspecified, the result is the same in the
     * interpreter and in compiled code.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.add(v.rearrange(h));
        }
        return v.lane(0);
    }

    // exp: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, and Cephes' expf polynomial
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;    // 1.5·2²³: adding and subtracting it rounds to an integer
    // Bounds that keep n ∈ [−126, 127] with 2ⁿ·p normal. e^−87 = 1.6e-38: nothing below it matters
    // next to the softmax's largest term, 1. e^88 = 1.7e38, near the float maximum 3.4e38.
    private static final float EXP_LO = -87f;
    private static final float EXP_HI = 88f;

    /**
     * e^x lane by lane, within ~2 ulp of the exact value for x in [−87, 88]; 0 below (no
     * subnormals, and 0 for −∞), +∞ above. Deterministic (see the class comment).
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector n = xc.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND)).sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        // × 2ⁿ by adding n to the exponent field (n ∈ [−126, 127], so the result stays normal)
        IntVector e = ((IntVector) n.convert(VectorOperators.F2I, 0)).lanewise(VectorOperators.LSHL, 23);
        FloatVector y = p.reinterpretAsInts().add(e).reinterpretAsFloats();
        y = y.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
        return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
    }

    // exp in double: the same reduction with fdlibm's split of ln 2 and a degree-10 Taylor
    // polynomial: remainder r¹¹/11! < 2.2e-13 relative for |r| ≤ ln2/2. That is 2⁻⁴², far below
    // the float ulp (2⁻²⁴) of the activations that use it, at two thirds of the FMAs of a
    // full-double polynomial.
    private static final double D_LOG2E = 1.4426950408889634;
    private static final double D_LN2_HI = 6.93147180369123816490e-01;
    private static final double D_LN2_LO = 1.90821492927058770002e-10;
    private static final double D_ROUND = 6755399441055744.0;   // 1.5·2⁵²: x·log2e + D_ROUND holds n in its low bits
    private static final long D_ROUND_BITS = Double.doubleToRawLongBits(D_ROUND);
    // n ∈ [−1020, 1023] keeps 2ⁿ·p normal; e^−707 ≈ 9e-308 (and anything below is 0 in float)
    private static final double D_EXP_LO = -707.0;
    private static final double D_EXP_HI = 709.0;
    // 1/k! rounded to double, k = 2..10
    private static final double D_T2 = 1.0 / 2;
    private static final double D_T3 = 1.0 / 6;
    private static final double D_T4 = 1.0 / 24;
    private static final double D_T5 = 1.0 / 120;
    private static final double D_T6 = 1.0 / 720;
    private static final double D_T7 = 1.0 / 5040;
    private static final double D_T8 = 1.0 / 40320;
    private static final double D_T9 = 1.0 / 362880;
    private static final double D_T10 = 1.0 / 3628800;

    /** The double species {@link #exp(DoubleVector)} takes: the preferred shape. */
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final DoubleVector V_LOG2E = DoubleVector.broadcast(D, D_LOG2E);
    private static final DoubleVector V_ROUND = DoubleVector.broadcast(D, D_ROUND);
    private static final DoubleVector V_NEG_LN2_HI = DoubleVector.broadcast(D, -D_LN2_HI);
    private static final DoubleVector V_NEG_LN2_LO = DoubleVector.broadcast(D, -D_LN2_LO);
    private static final DoubleVector V_ONE = DoubleVector.broadcast(D, 1.0);
    private static final DoubleVector V_T2 = DoubleVector.broadcast(D, D_T2);
    private static final DoubleVector V_T3 = DoubleVector.broadcast(D, D_T3);
    private static final DoubleVector V_T4 = DoubleVector.broadcast(D, D_T4);
    private static final DoubleVector V_T5 = DoubleVector.broadcast(D, D_T5);
    private static final DoubleVector V_T6 = DoubleVector.broadcast(D, D_T6);
    private static final DoubleVector V_T7 = DoubleVector.broadcast(D, D_T7);
    private static final DoubleVector V_T8 = DoubleVector.broadcast(D, D_T8);
    private static final DoubleVector V_T9 = DoubleVector.broadcast(D, D_T9);
    private static final DoubleVector V_T10 = DoubleVector.broadcast(D, D_T10);

    /**
     * e^x lane by lane in double ({@link #D}-shaped vectors), relative error below 3e-13: 0 below −707 (true values there
     * are under 1e-307), +∞ above 709, NaN for NaN. Deterministic (see the class comment), and
     * bit for bit the same as the scalar {@link #exp(double)}: both run the same exactly rounded
     * operations.
     */
    static DoubleVector exp(DoubleVector x) {
        // constants as static final vectors: this body must stay under C2's inlining limit for hot
        // methods (325 bytes of bytecode); a call that is not inlined boxes its vectors (~3× slower)
        DoubleVector xc = x.max(D_EXP_LO).min(D_EXP_HI);
        DoubleVector shifted = xc.fma(V_LOG2E, V_ROUND);
        DoubleVector n = shifted.sub(V_ROUND);
        DoubleVector r = n.fma(V_NEG_LN2_HI, xc).add(n.mul(V_NEG_LN2_LO));
        DoubleVector p = V_T10.fma(r, V_T9).fma(r, V_T8).fma(r, V_T7).fma(r, V_T6).fma(r, V_T5)
                .fma(r, V_T4).fma(r, V_T3).fma(r, V_T2).fma(r, V_ONE).fma(r, V_ONE);
        // × 2ⁿ: n sits in the low bits of `shifted`; add it to the exponent field
        LongVector e = shifted.reinterpretAsLongs().sub(D_ROUND_BITS).lanewise(VectorOperators.LSHL, 52);
        DoubleVector y = p.reinterpretAsLongs().add(e).reinterpretAsDoubles();
        y = y.blend(0.0, x.compare(VectorOperators.LT, D_EXP_LO));
        y = y.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, D_EXP_HI));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** The scalar twin of {@link #exp(DoubleVector)}: the same operations, the same bits. */
    static double exp(double x) {
        if (x != x) {
            return x;
        }
        if (x < D_EXP_LO) {
            return 0.0;
        }
        if (x > D_EXP_HI) {
            return Double.POSITIVE_INFINITY;
        }
        double shifted = Math.fma(x, D_LOG2E, D_ROUND);
        double n = shifted - D_ROUND;
        double r = Math.fma(n, -D_LN2_HI, x) + n * -D_LN2_LO;
        double p = D_T10;
        p = Math.fma(p, r, D_T9);
        p = Math.fma(p, r, D_T8);
        p = Math.fma(p, r, D_T7);
        p = Math.fma(p, r, D_T6);
        p = Math.fma(p, r, D_T5);
        p = Math.fma(p, r, D_T4);
        p = Math.fma(p, r, D_T3);
        p = Math.fma(p, r, D_T2);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        long e = (Double.doubleToRawLongBits(shifted) - D_ROUND_BITS) << 52;
        return Double.longBitsToDouble(Double.doubleToRawLongBits(p) + e);
    }

    /** Σ a[off .. off+n). Lane-wise partial sums, then a fixed-order lane reduction. */
    static float sum(float[] a, int off, int n) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            acc = acc.add(FloatVector.fromArray(F, a, off + j));
        }
        if (j < n) {
            VectorMask<Float> m = F.indexInRange(j, n);
            acc = acc.add(FloatVector.fromArray(F, a, off + j, m));
        }
        return sumLanes(acc);
    }

    /** dst[dstOff + c·ldd + r] = src[srcOff + r·lds + c] for r &lt; rows, c &lt; cols. */
    static void transpose(float[] src, int srcOff, int rows, int cols, int lds, float[] dst, int dstOff, int ldd) {
        // Blocked so that both the reads and the writes stay within a few cache lines.
        final int blk = 16;
        for (int r0 = 0; r0 < rows; r0 += blk) {
            int r1 = Math.min(rows, r0 + blk);
            for (int c0 = 0; c0 < cols; c0 += blk) {
                int c1 = Math.min(cols, c0 + blk);
                for (int r = r0; r < r1; r++) {
                    int s = srcOff + r * lds;
                    for (int c = c0; c < c1; c++) {
                        dst[dstOff + c * ldd + r] = src[s + c];
                    }
                }
            }
        }
    }

    /**
     * C[m, n] (= or +=) A[m, k] · B[k, n].
     *
     * <p>A is read one element at a time through two strides, A(r, p) = a[aOff + r·aRs + p·aCs],
     * so a transposed A is just swapped strides. B and C are row-major with row strides ldb and
     * ldc (n contiguous floats per row). Four rows of C and four vectors of columns are kept in
     * registers (16 accumulators) while p runs over k: per p, 4 broadcasts and 4 loads feed 16
     * FMAs. The last partial block of columns keeps four (or two) vectors, the last ones masked,
     * so that a length such as T = 120 costs no more than 128; a single leftover vector and
     * leftover rows go one at a time.
     */
    static void matmul(int m, int n, int k,
                       float[] a, int aOff, int aRs, int aCs,
                       float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        int r = 0;
        for (; r + 4 <= m; r += 4) {
            rows4(n, k, a, aOff + r * aRs, aRs, aCs, b, bOff, ldb, c, cOff + r * ldc, ldc, accumulate);
        }
        for (; r < m; r++) {
            row1(n, k, a, aOff + r * aRs, aCs, b, bOff, ldb, c, cOff + r * ldc, accumulate);
        }
    }

    private static void rows4(int n, int k, float[] a, int a0, int aRs, int aCs,
                              float[] b, int bOff, int ldb, float[] c, int c0, int ldc, boolean accumulate) {
        final int a1 = a0 + aRs;
        final int a2 = a1 + aRs;
        final int a3 = a2 + aRs;
        final int c1 = c0 + ldc;
        final int c2 = c1 + ldc;
        final int c3 = c2 + ldc;
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector x00 = FloatVector.zero(F), x01 = x00, x02 = x00, x03 = x00;
            FloatVector x10 = x00, x11 = x00, x12 = x00, x13 = x00;
            FloatVector x20 = x00, x21 = x00, x22 = x00, x23 = x00;
            FloatVector x30 = x00, x31 = x00, x32 = x00, x33 = x00;
            int pb = bOff + j;
            int pa = 0;
            for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
                FloatVector b0 = FloatVector.fromArray(F, b, pb);
                FloatVector b1 = FloatVector.fromArray(F, b, pb + L);
                FloatVector b2 = FloatVector.fromArray(F, b, pb + 2 * L);
                FloatVector b3 = FloatVector.fromArray(F, b, pb + 3 * L);
                FloatVector s = FloatVector.broadcast(F, a[a0 + pa]);
                x00 = s.fma(b0, x00);
                x01 = s.fma(b1, x01);
                x02 = s.fma(b2, x02);
                x03 = s.fma(b3, x03);
                s = FloatVector.broadcast(F, a[a1 + pa]);
                x10 = s.fma(b0, x10);
                x11 = s.fma(b1, x11);
                x12 = s.fma(b2, x12);
                x13 = s.fma(b3, x13);
                s = FloatVector.broadcast(F, a[a2 + pa]);
                x20 = s.fma(b0, x20);
                x21 = s.fma(b1, x21);
                x22 = s.fma(b2, x22);
                x23 = s.fma(b3, x23);
                s = FloatVector.broadcast(F, a[a3 + pa]);
                x30 = s.fma(b0, x30);
                x31 = s.fma(b1, x31);
                x32 = s.fma(b2, x32);
                x33 = s.fma(b3, x33);
            }
            store(x00, c, c0 + j, accumulate);
            store(x01, c, c0 + j + L, accumulate);
            store(x02, c, c0 + j + 2 * L, accumulate);
            store(x03, c, c0 + j + 3 * L, accumulate);
            store(x10, c, c1 + j, accumulate);
            store(x11, c, c1 + j + L, accumulate);
            store(x12, c, c1 + j + 2 * L, accumulate);
            store(x13, c, c1 + j + 3 * L, accumulate);
            store(x20, c, c2 + j, accumulate);
            store(x21, c, c2 + j + L, accumulate);
            store(x22, c, c2 + j + 2 * L, accumulate);
            store(x23, c, c2 + j + 3 * L, accumulate);
            store(x30, c, c3 + j, accumulate);
            store(x31, c, c3 + j + L, accumulate);
            store(x32, c, c3 + j + 2 * L, accumulate);
            store(x33, c, c3 + j + 3 * L, accumulate);
        }
        // the last partial block: 3 or 4 vectors (the last ones masked), or 2; a single vector below
        final int rem = n - j;
        if (rem > 2 * L) {
            tail4x4(n, j, k, a, a0, aRs, aCs, b, bOff, ldb, c, c0, ldc, accumulate);
            j = n;
        } else if (rem > L) {
            tail4x2(n, j, k, a, a0, aRs, aCs, b, bOff, ldb, c, c0, ldc, accumulate);
            j = n;
        }
        for (; j < n; j += L) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector x0 = FloatVector.zero(F), x1 = x0, x2 = x0, x3 = x0;
            int pb = bOff + j;
            int pa = 0;
            if (m.allTrue()) {
                for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
                    FloatVector bv = FloatVector.fromArray(F, b, pb);
                    x0 = bv.fma(FloatVector.broadcast(F, a[a0 + pa]), x0);
                    x1 = bv.fma(FloatVector.broadcast(F, a[a1 + pa]), x1);
                    x2 = bv.fma(FloatVector.broadcast(F, a[a2 + pa]), x2);
                    x3 = bv.fma(FloatVector.broadcast(F, a[a3 + pa]), x3);
                }
            } else {
                for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
                    FloatVector bv = FloatVector.fromArray(F, b, pb, m);
                    x0 = bv.fma(FloatVector.broadcast(F, a[a0 + pa]), x0);
                    x1 = bv.fma(FloatVector.broadcast(F, a[a1 + pa]), x1);
                    x2 = bv.fma(FloatVector.broadcast(F, a[a2 + pa]), x2);
                    x3 = bv.fma(FloatVector.broadcast(F, a[a3 + pa]), x3);
                }
            }
            store(x0, c, c0 + j, m, accumulate);
            store(x1, c, c1 + j, m, accumulate);
            store(x2, c, c2 + j, m, accumulate);
            store(x3, c, c3 + j, m, accumulate);
        }
    }

    /** Columns j .. n−1 of four rows, 2L &lt; n − j ≤ 4L: vectors 2 and 3 masked. */
    private static void tail4x4(int n, int j, int k, float[] a, int a0, int aRs, int aCs,
                                float[] b, int bOff, int ldb, float[] c, int c0, int ldc, boolean accumulate) {
        final int a1 = a0 + aRs;
        final int a2 = a1 + aRs;
        final int a3 = a2 + aRs;
        final int c1 = c0 + ldc;
        final int c2 = c1 + ldc;
        final int c3 = c2 + ldc;
        final VectorMask<Float> m2 = F.indexInRange(j + 2 * L, n);
        final VectorMask<Float> m3 = F.indexInRange(j + 3 * L, n);
        FloatVector x00 = FloatVector.zero(F), x01 = x00, x02 = x00, x03 = x00;
        FloatVector x10 = x00, x11 = x00, x12 = x00, x13 = x00;
        FloatVector x20 = x00, x21 = x00, x22 = x00, x23 = x00;
        FloatVector x30 = x00, x31 = x00, x32 = x00, x33 = x00;
        int pb = bOff + j;
        int pa = 0;
        for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
            FloatVector b0 = FloatVector.fromArray(F, b, pb);
            FloatVector b1 = FloatVector.fromArray(F, b, pb + L);
            FloatVector b2 = FloatVector.fromArray(F, b, pb + 2 * L, m2);
            FloatVector b3 = FloatVector.fromArray(F, b, pb + 3 * L, m3);
            FloatVector s = FloatVector.broadcast(F, a[a0 + pa]);
            x00 = s.fma(b0, x00);
            x01 = s.fma(b1, x01);
            x02 = s.fma(b2, x02);
            x03 = s.fma(b3, x03);
            s = FloatVector.broadcast(F, a[a1 + pa]);
            x10 = s.fma(b0, x10);
            x11 = s.fma(b1, x11);
            x12 = s.fma(b2, x12);
            x13 = s.fma(b3, x13);
            s = FloatVector.broadcast(F, a[a2 + pa]);
            x20 = s.fma(b0, x20);
            x21 = s.fma(b1, x21);
            x22 = s.fma(b2, x22);
            x23 = s.fma(b3, x23);
            s = FloatVector.broadcast(F, a[a3 + pa]);
            x30 = s.fma(b0, x30);
            x31 = s.fma(b1, x31);
            x32 = s.fma(b2, x32);
            x33 = s.fma(b3, x33);
        }
        store(x00, c, c0 + j, accumulate);
        store(x01, c, c0 + j + L, accumulate);
        store(x02, c, c0 + j + 2 * L, m2, accumulate);
        store(x03, c, c0 + j + 3 * L, m3, accumulate);
        store(x10, c, c1 + j, accumulate);
        store(x11, c, c1 + j + L, accumulate);
        store(x12, c, c1 + j + 2 * L, m2, accumulate);
        store(x13, c, c1 + j + 3 * L, m3, accumulate);
        store(x20, c, c2 + j, accumulate);
        store(x21, c, c2 + j + L, accumulate);
        store(x22, c, c2 + j + 2 * L, m2, accumulate);
        store(x23, c, c2 + j + 3 * L, m3, accumulate);
        store(x30, c, c3 + j, accumulate);
        store(x31, c, c3 + j + L, accumulate);
        store(x32, c, c3 + j + 2 * L, m2, accumulate);
        store(x33, c, c3 + j + 3 * L, m3, accumulate);
    }

    /** Columns j .. n−1 of four rows, L &lt; n − j ≤ 2L: vector 1 masked. */
    private static void tail4x2(int n, int j, int k, float[] a, int a0, int aRs, int aCs,
                                float[] b, int bOff, int ldb, float[] c, int c0, int ldc, boolean accumulate) {
        final int a1 = a0 + aRs;
        final int a2 = a1 + aRs;
        final int a3 = a2 + aRs;
        final int c1 = c0 + ldc;
        final int c2 = c1 + ldc;
        final int c3 = c2 + ldc;
        final VectorMask<Float> m1 = F.indexInRange(j + L, n);
        FloatVector x00 = FloatVector.zero(F), x01 = x00;
        FloatVector x10 = x00, x11 = x00;
        FloatVector x20 = x00, x21 = x00;
        FloatVector x30 = x00, x31 = x00;
        int pb = bOff + j;
        int pa = 0;
        for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
            FloatVector b0 = FloatVector.fromArray(F, b, pb);
            FloatVector b1 = FloatVector.fromArray(F, b, pb + L, m1);
            FloatVector s = FloatVector.broadcast(F, a[a0 + pa]);
            x00 = s.fma(b0, x00);
            x01 = s.fma(b1, x01);
            s = FloatVector.broadcast(F, a[a1 + pa]);
            x10 = s.fma(b0, x10);
            x11 = s.fma(b1, x11);
            s = FloatVector.broadcast(F, a[a2 + pa]);
            x20 = s.fma(b0, x20);
            x21 = s.fma(b1, x21);
            s = FloatVector.broadcast(F, a[a3 + pa]);
            x30 = s.fma(b0, x30);
            x31 = s.fma(b1, x31);
        }
        store(x00, c, c0 + j, accumulate);
        store(x01, c, c0 + j + L, m1, accumulate);
        store(x10, c, c1 + j, accumulate);
        store(x11, c, c1 + j + L, m1, accumulate);
        store(x20, c, c2 + j, accumulate);
        store(x21, c, c2 + j + L, m1, accumulate);
        store(x30, c, c3 + j, accumulate);
        store(x31, c, c3 + j + L, m1, accumulate);
    }

    private static void row1(int n, int k, float[] a, int a0, int aCs,
                             float[] b, int bOff, int ldb, float[] c, int c0, boolean accumulate) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector x0 = FloatVector.zero(F), x1 = x0, x2 = x0, x3 = x0;
            int pb = bOff + j;
            int pa = a0;
            for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
                FloatVector s = FloatVector.broadcast(F, a[pa]);
                x0 = s.fma(FloatVector.fromArray(F, b, pb), x0);
                x1 = s.fma(FloatVector.fromArray(F, b, pb + L), x1);
                x2 = s.fma(FloatVector.fromArray(F, b, pb + 2 * L), x2);
                x3 = s.fma(FloatVector.fromArray(F, b, pb + 3 * L), x3);
            }
            store(x0, c, c0 + j, accumulate);
            store(x1, c, c0 + j + L, accumulate);
            store(x2, c, c0 + j + 2 * L, accumulate);
            store(x3, c, c0 + j + 3 * L, accumulate);
        }
        for (; j < n; j += L) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector x0 = FloatVector.zero(F);
            int pb = bOff + j;
            int pa = a0;
            for (int p = 0; p < k; p++, pb += ldb, pa += aCs) {
                x0 = FloatVector.fromArray(F, b, pb, m).fma(FloatVector.broadcast(F, a[pa]), x0);
            }
            store(x0, c, c0 + j, m, accumulate);
        }
    }

    private static void store(FloatVector x, float[] c, int off, boolean accumulate) {
        if (accumulate) {
            x = x.add(FloatVector.fromArray(F, c, off));
        }
        x.intoArray(c, off);
    }

    private static void store(FloatVector x, float[] c, int off, VectorMask<Float> m, boolean accumulate) {
        if (accumulate) {
            x = x.add(FloatVector.fromArray(F, c, off, m));
        }
        x.intoArray(c, off, m);
    }
}
