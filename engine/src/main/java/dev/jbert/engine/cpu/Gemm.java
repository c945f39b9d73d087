package dev.jbert.engine.cpu;

import static dev.jbert.engine.cpu.GemmMicroKernel.L;
import static dev.jbert.engine.cpu.GemmMicroKernel.MR;
import static dev.jbert.engine.cpu.GemmMicroKernel.NR;
import static dev.jbert.engine.cpu.GemmMicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Single-precision matrix multiplication for the CPU backend, with BLAS semantics on row-major
 * arrays, and the fused {@code linear} layer (x·Wᵀ + bias, then an activation) built on it.
 *
 * <p>The algorithm is Goto's / BLIS's: op(B) is packed in panels of kc rows × nc columns, cut into
 * NR-column slivers; op(A) in blocks of mc rows × kc, cut into MR-row slivers; a register-blocked
 * micro-kernel ({@link GemmMicroKernel}) computes each MR×NR tile of C over the kc steps. The
 * transposes are resolved while packing. With more than one thread, C is split along the larger
 * of M and N into one contiguous region per thread, and each thread runs the whole algorithm on
 * its region with its own packing buffers: no barrier until the end, and no cache line written by
 * one core and read by the other (packing the smaller operand twice costs ~3% at BERT shapes).
 *
 * <p>The epilogue runs on each tile as it leaves the micro-kernel (alpha, beta, bias, into C or
 * into the pre-activation), and the activation on each finished mc×nc block while it is still in
 * L2/L3: C is not swept again afterwards.
 */
public final class Gemm {
    /**
     * Maximum depth of a packed panel (micro-kernel steps between two passes over C). K = 3072
     * in one panel beats 4 × 768 by ~4 % (C is read and written once instead of four times).
     */
    static final int KC = roundUp(Integer.getInteger("jbert.gemm.kc", 3072), 1);
    /** Maximum rows of op(A) packed at a time (a multiple of MR). */
    static final int MC = roundUp(Integer.getInteger("jbert.gemm.mc", 128), MR);
    /**
     * The packed A block (MC × kc floats) stays in L2 next to one B sliver (kc × NR): MC shrinks
     * as kc grows so that the block stays at 128 × 768 floats (384 KB; 1 MB L2 per core).
     */
    static final int A_BLOCK_FLOATS = Integer.getInteger("jbert.gemm.ablock", 128 * 768);
    /** Maximum columns of op(B) packed at a time (a multiple of NR). */
    static final int NC = roundUp(Integer.getInteger("jbert.gemm.nc", 4096), NR);
    /** The packed B panel (kc × NC floats, 12 MB) is streamed from L3: NC shrinks as kc grows. */
    static final int B_PANEL_FLOATS = Integer.getInteger("jbert.gemm.bpanel", 768 * 4096);
    /** Below this many multiply-adds (m·n·k) a product runs on the calling thread. */
    static final long PARALLEL_MIN_MNK = 1L << 20;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Gemm() {
    }

    /**
     * C[m,n] = alpha·op(A)[m,k]·op(B)[k,n] + beta·C, all row-major. op(A) is A, stored [m, k] with
     * leading dimension lda, or (transA) Aᵀ with A stored [k, m]; likewise op(B) is B stored
     * [k, n] or (transB) Bᵀ with B stored [n, k]. With beta = 0, C is only written (whatever it
     * held, NaN included, does not leak); with alpha = 0 or k = 0, A and B are not read.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkDims(m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (k > 0 && alpha != 0f) {
            checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
            checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        }
        checkMatrix("C", c, cOff, ldc, m, n);
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                null, 0, Activation.NONE, null, 0, 0);
    }

    /**
     * The fused linear layer: out[m,n] = act(x[m,k]·wᵀ + bias), with w [n, k] (PyTorch's
     * {@code Linear.weight} layout) and bias [n] or null; out is contiguous ([m, n] from outOff).
     */
    public static void linear(float[] x, int xOff, int m, int k, float[] w, float[] bias,
                              Activation act, float[] out, int outOff, int n) {
        linear(x, xOff, m, k, w, 0, bias, 0, act, null, 0, out, outOff, n);
    }

    /**
     * As {@link #linear(float[], int, int, int, float[], float[], Activation, float[], int, int)},
     * also writing the pre-activation x·wᵀ + bias to {@code preact} ([m, n] from preactOff) when
     * it is not null, for the backward pass.
     */
    public static void linear(float[] x, int xOff, int m, int k, float[] w, float[] bias,
                              Activation act, float[] preact, int preactOff, float[] out, int outOff, int n) {
        linear(x, xOff, m, k, w, 0, bias, 0, act, preact, preactOff, out, outOff, n);
    }

    /** The general form: weight and bias may start at an offset (slices of a larger buffer). */
    public static void linear(float[] x, int xOff, int m, int k, float[] w, int wOff, float[] bias, int biasOff,
                              Activation act, float[] preact, int preactOff, float[] out, int outOff, int n) {
        checkDims(m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (k > 0) {
            checkMatrix("x", x, xOff, k, m, k);
            checkMatrix("w", w, wOff, k, n, k);
        }
        if (bias != null) {
            checkMatrix("bias", bias, biasOff, n, 1, n);
        }
        if (preact != null) {
            checkMatrix("preact", preact, preactOff, n, m, n);
        }
        checkMatrix("out", out, outOff, n, m, n);
        gemm(false, true, m, n, k, 1f, x, xOff, k, w, wOff, k, 0f, out, outOff, n,
                bias, biasOff, act == null ? Activation.NONE : act, preact, preactOff, n);
    }

    // ---------------------------------------------------------------- driver

    /**
     * C = alpha·op(A)·op(B) + beta·C + bias (broadcast over rows); then, when {@code pre} is not
     * null, pre = that and C = act(that); else C = act(that). Arguments already checked.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc,
                     float[] bias, int biasOff, Activation act, float[] pre, int preOff, int ldp) {
        if (m == 0 || n == 0) {
            return;
        }
        Job job = new Job(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, biasOff, act, pre, preOff, ldp);
        if (k == 0 || alpha == 0f) {
            job.scaleOnly();
            return;
        }
        job.run();
    }

    /** One product in flight: its (checked) arguments. */
    private static final class Job {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float alpha;
        final float[] a;
        final int aOff;
        final int lda;
        final float[] b;
        final int bOff;
        final int ldb;
        final float beta;
        final float[] c;
        final int cOff;
        final int ldc;
        final float[] bias;
        final int biasOff;
        final Activation act;
        final float[] pre;
        final int preOff;
        final int ldp;

        Job(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
            float beta, float[] c, int cOff, int ldc,
            float[] bias, int biasOff, Activation act, float[] pre, int preOff, int ldp) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.bias = bias;
            this.biasOff = biasOff;
            this.act = act;
            this.pre = pre;
            this.preOff = preOff;
            this.ldp = ldp;
        }

        void run() {
            int threads = Parallel.inWorker() ? 1 : Parallel.threads();
            int mSlivers = ceilDiv(m, MR);
            int nSlivers = ceilDiv(n, NR);
            if (threads <= 1 || (long) m * n * k < PARALLEL_MIN_MNK) {
                region(0, m, 0, n);
            } else if (m >= n ? mSlivers >= threads : nSlivers < threads) {
                // each thread packs all of op(B) for itself: split the larger of m and n, so
                // that the duplicated packing is the smaller operand's
                Parallel.forRange(mSlivers, 1, (r0, r1, chunk) ->
                        region(r0 * MR, Math.min(m, r1 * MR), 0, n));
            } else {
                Parallel.forRange(nSlivers, 1, (s0, s1, chunk) ->
                        region(0, m, s0 * NR, Math.min(n, s1 * NR)));
            }
        }

        /**
         * C[i0:i1, j0:j1] on this thread, with its own packing buffers: op(B) in panels of kc×nc,
         * op(A) in blocks of mc×kc, the micro-kernel on each MR×NR tile. kc ≤ KC splits K evenly;
         * mc and nc shrink as kc grows, keeping the A block in L2 and the B panel's size fixed.
         */
        void region(int i0, int i1, int j0, int j1) {
            Buffers buf = BUFFERS.get();
            // K in equal blocks of at most KC (3100 = 2 × 1550, not 3072 + 28)
            int kBlocks = ceilDiv(k, KC);
            int kStep = ceilDiv(k, kBlocks);
            int mcMax = Math.max(MR, Math.min(MC, A_BLOCK_FLOATS / kStep / MR * MR));
            int ncMax = Math.max(NR, Math.min(NC, B_PANEL_FLOATS / kStep / NR * NR));
            float[] aPack = buf.a(Math.min(mcMax, ceilDiv(i1 - i0, MR) * MR) * kStep);
            for (int jc = j0; jc < j1; jc += ncMax) {
                int nc = Math.min(ncMax, j1 - jc);
                int nSlivers = ceilDiv(nc, NR);
                float[] bPack = buf.b(nSlivers * NR * kStep);
                for (int pc = 0; pc < k; pc += kStep) {
                    int kc = Math.min(kStep, k - pc);
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bPack, 0, nSlivers);
                    for (int ic = i0; ic < i1; ic += mcMax) {
                        int mc = Math.min(mcMax, i1 - ic);
                        GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, aPack);
                        macro(aPack, ic, mc, bPack, jc, nc, pc, kc, buf.tile);
                        if (pc + kc == k && (act != Activation.NONE || pre != null)) {
                            activateBlock(ic, mc, jc, nc);
                        }
                    }
                }
            }
        }

        /** The packed block of A (rows [ic, ic+mc)) against the packed panel of B (columns [jc, jc+nc)). */
        private void macro(float[] aPack, int ic, int mc, float[] bPack, int jc, int nc, int pc, int kc,
                           float[] tile) {
            boolean last = pc + kc == k;
            float betaNow = pc == 0 ? beta : 1f;
            // the kernel's raw sums are the result: store them straight into C (or the pre-activation)
            boolean direct = alpha == 1f && betaNow == 0f && !(last && bias != null);
            boolean toPre = last && pre != null;
            float[] dst = toPre ? pre : c;
            int dOff = toPre ? preOff : cOff;
            int ldd = toPre ? ldp : ldc;
            for (int s = 0; s * NR < nc; s++) {
                int j = jc + s * NR;
                int nr = Math.min(NR, nc - s * NR);
                int bAt = s * NR * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    int i = ic + ir;
                    int mr = Math.min(MR, mc - ir);
                    int aAt = ir * kc;
                    if (direct && mr == MR && nr == NR) {
                        GemmMicroKernel.kernel(kc, aPack, aAt, bPack, bAt, dst, dOff + i * ldd + j, ldd);
                    } else {
                        GemmMicroKernel.kernel(kc, aPack, aAt, bPack, bAt, tile, 0, NR);
                        epilogue(tile, i, j, mr, nr, betaNow, last);
                    }
                }
            }
        }

        /**
         * Merges a raw tile: alpha·tile + beta·C (first K panel) or + C (later panels), + bias on the
         * last panel; into C, or into the pre-activation on the last panel when there is one.
         */
        private void epilogue(float[] tile, int i, int j, int mr, int nr, float betaNow, boolean last) {
            float[] bs = last ? bias : null;
            int bAt = biasOff + j;
            boolean toPre = last && pre != null;
            float[] dst = toPre ? pre : c;
            for (int r = 0; r < mr; r++) {
                int t = r * NR;
                int ci = cOff + (i + r) * ldc + j;
                int di = toPre ? preOff + (i + r) * ldp + j : ci;
                if (nr == NR) {
                    FloatVector v0 = FloatVector.fromArray(S, tile, t);
                    FloatVector v1 = FloatVector.fromArray(S, tile, t + L);
                    if (alpha != 1f) {
                        v0 = v0.mul(alpha);
                        v1 = v1.mul(alpha);
                    }
                    if (betaNow != 0f) {
                        v0 = FloatVector.fromArray(S, c, ci).fma(FloatVector.broadcast(S, betaNow), v0);
                        v1 = FloatVector.fromArray(S, c, ci + L).fma(FloatVector.broadcast(S, betaNow), v1);
                    }
                    if (bs != null) {
                        v0 = v0.add(FloatVector.fromArray(S, bs, bAt));
                        v1 = v1.add(FloatVector.fromArray(S, bs, bAt + L));
                    }
                    v0.intoArray(dst, di);
                    v1.intoArray(dst, di + L);
                } else {
                    for (int jj = 0; jj < nr; jj++) {
                        float v = alpha * tile[t + jj];
                        if (betaNow != 0f) {
                            v = Math.fma(betaNow, c[ci + jj], v);
                        }
                        if (bs != null) {
                            v += bs[bAt + jj];
                        }
                        dst[di + jj] = v;
                    }
                }
            }
        }

        /**
         * The activation of a finished block, rows [ic, ic+mc) × columns [jc, jc+nc): out = act(pre)
         * (a copy for NONE) or C = act(C) in place. Done per block rather than per tile: the block
         * is still in L2/L3, and one call per row of nc elements measured 10-15 % faster overall
         * than eight calls of NR elements per tile.
         */
        private void activateBlock(int ic, int mc, int jc, int nc) {
            for (int i = ic; i < ic + mc; i++) {
                int ci = cOff + i * ldc + jc;
                if (pre != null) {
                    Activation.forward(act, pre, preOff + i * ldp + jc, c, ci, nc);
                } else {
                    Activation.forward(act, c, ci, c, ci, nc);
                }
            }
        }

        /** k = 0 or alpha = 0: C = beta·C (+ bias, activation); A and B are not read. */
        void scaleOnly() {
            float[] dst = pre != null ? pre : c;
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                int di = pre != null ? preOff + i * ldp : ci;
                for (int j = 0; j < n; j++) {
                    float v = beta == 0f ? 0f : beta * c[ci + j];
                    if (bias != null) {
                        v += bias[biasOff + j];
                    }
                    dst[di + j] = v;
                }
                if (act != Activation.NONE || pre != null) {
                    Activation.forward(act, dst, di, c, ci, n);
                }
            }
        }
    }

    /** Per-thread packing buffers, grown on demand and kept. */
    private static final class Buffers {
        private float[] a = new float[0];
        private float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    // ---------------------------------------------------------------- checks and helpers

    private static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "matrix sizes must be non-negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** A row-major matrix of {@code rows}×{@code cols} at {@code off} with leading dimension ld fits. */
    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " must be at least " + cols
                    + " (its row length), got " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException(name + " [" + rows + ", " + cols + "] with leading dimension " + ld
                    + " at offset " + off + " needs " + (last + 1) + " elements, the array has " + x.length);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        int v = Math.max(multiple, x);
        return (v + multiple - 1) / multiple * multiple;
    }
}
