package dev.jbert.engine.cpu;

import java.util.Objects;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise activations, forward and backward, as {@link Gemm#linear} fuses them and as the
 * layers use them on their own.
 *
 * <p>Accuracy. The exact GELU needs the normal CDF Φ(x) = ½·erfc(−x/√2), and for x &lt; 0 it
 * needs it to full <em>relative</em> accuracy (1 + erf(x/√2) cancels there). It is computed as
 * ½·erfc(u/√2) = ½·e^(−u²/2)·t·P(t) with u = |x|, t = 1/(1 + u·5/16) and P a degree-11 polynomial
 * fitted (minimax in relative error: 5.6e-10 over u ∈ [0, 16]) to the scaled complementary error
 * function, evaluated in double and rounded once to float: within a hair of ½ ulp. The vectorised
 * {@link #forward} and {@link #backward} widen to double vectors and run the very same operations
 * as {@link #apply} and {@link #derivative}, so the two agree to the bit. GELU_TANH is computed as
 * x·σ(2y), which equals ½x(1 + tanh y) without its cancellation for x &lt; 0; TANH as
 * (1 − e)/(1 + e) with e = e^(−2|x|) in double (x·(1 − x²/3) below 2⁻¹²).
 *
 * <p>Reproducibility. Every e^x here is our own ({@code VectorOps.exp}, ~1 ulp in double), never
 * the Vector API's {@code lanewise(EXP/TANH)} or {@code Math.exp/tanh}: those may round
 * differently in the interpreter (Java fallback) and in C2-compiled code (SVML or libm stubs),
 * which made a training run's weights depend on how warm the JVM was when it ran.
 */
public enum Activation {
    /** Identity. */
    NONE,
    /** Exact GELU: 0.5·x·(1 + erf(x/√2)) (Hugging Face {@code "gelu"}). */
    GELU,
    /** Tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) ({@code "gelu_new"}). */
    GELU_TANH,
    /** max(x, 0). */
    RELU,
    /** tanh(x). */
    TANH;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** t = 1 / (1 + T_SCALE·u); exact in float. */
    private static final double T_SCALE = 0.3125;
    /**
     * erfc(u/√2)·exp(u²/2) = t·P(t), P(t) = Σ ERFCX[i]·tⁱ, for u ≥ 0 (fit error 5.6e-10 relative
     * on [0, 16]; beyond 16 the result is multiplied by e^(−u²/2) &lt; 1e-55 and is 0 in float).
     */
    private static final double[] ERFCX = {
        0.24934163603492493, 0.24926187435450392, 0.225937351273862, 0.169674952425242,
        0.13909808761057746, -0.03774437501088484, 0.11979909182465931, -0.13743374853326196,
        -0.08348573998841624, 0.18819688537872975, -0.10186065672677498, 0.01921464190224459,
    };
    /** ½·ERFCX (exact halves), for ½·erfc directly. */
    private static final double[] HALF_ERFCX = new double[ERFCX.length];

    static {
        for (int i = 0; i < ERFCX.length; i++) {
            HALF_ERFCX[i] = 0.5 * ERFCX[i];
        }
    }

    /**
     * |x| is clamped here: e^(−x²/2) is exactly 0 in double beyond ~38.6, so Φ is exactly 0 or 1
     * there, and the clamp keeps ∞ out of the algebra.
     */
    private static final double GAUSS_CLAMP = 40.0;

    private static final double INV_SQRT_2PI = 0.39894228040143267794;
    /** √(2/π), GELU_TANH's inner scale. */
    private static final double TANH_BETA = 0.79788456080286535588;
    private static final double TANH_KAPPA = 0.044715;

    /** The activation of x. */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case GELU -> (float) gelu(x);
            case GELU_TANH -> (float) geluTanh(x);
            case RELU -> x > 0f ? x : (x == x ? 0f : x);
            case TANH -> (float) tanh(x);
        };
    }

    /** d act/dx at the pre-activation x. */
    public float derivative(float x) {
        return switch (this) {
            case NONE -> 1f;
            case GELU -> (float) geluGrad(x);
            case GELU_TANH -> (float) geluTanhGrad(x);
            case RELU -> x > 0f ? 1f : 0f;
            case TANH -> (float) tanhGrad(x);
        };
    }

    // ---------------------------------------------------------------- scalar, double precision
    // (the vector kernels below repeat these operations one for one)

    /** erf(x), correctly rounded to float in all but rare near-halfway cases. */
    public static float erf(float x) {
        return (float) erf((double) x);
    }

    /** erfc(x) = 1 − erf(x), with full relative accuracy for large x. */
    public static float erfc(float x) {
        return (float) erfc((double) x);
    }

    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 0.5) {
            // Maclaurin series: 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)); 13 terms reach 1e-17 at 0.5
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n <= 13; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return sum * 1.12837916709551257390;
        }
        double r = 1.0 - erfc(ax);
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        if (x != x) {
            return x;
        }
        if (x < 0.5) {
            return 1.0 - erf(x);
        }
        // erfc(x) = e^(−x²)·t·P(t) at u = √2·x (x² is exact for a float x)
        return 2 * halfErfc(Math.sqrt(2.0) * x, VectorOps.exp(-x * x));
    }

    /** ½·erfc(u/√2) = gauss·t·½P(t) for u ≥ 0, given gauss = e^(−u²/2). */
    private static double halfErfc(double u, double gauss) {
        double t = 1.0 / Math.fma(u, T_SCALE, 1.0);
        double[] c = HALF_ERFCX;
        double p = c[11];
        for (int i = 10; i >= 0; i--) {
            p = Math.fma(p, t, c[i]);
        }
        return gauss * t * p;
    }

    private static double gauss(double u) {
        return VectorOps.exp(u * u * -0.5);
    }

    /** Φ(x) for a finite or infinite x, with full relative accuracy in the lower tail. */
    private static double normalCdf(double x) {
        double u = Math.min(Math.abs(x), GAUSS_CLAMP);
        double q = halfErfc(u, gauss(u));
        return x >= 0 ? 1.0 - q : q;
    }

    /** x·Φ(x); like PyTorch, NaN at −∞ (−∞·0). */
    private static double gelu(double x) {
        return x * normalCdf(x);
    }

    private static double geluGrad(double x) {
        double xc = Math.max(-GAUSS_CLAMP, Math.min(GAUSS_CLAMP, x));
        double u = Math.abs(xc);
        double g = gauss(u);
        double q = halfErfc(u, g);
        double phi = x >= 0 ? 1.0 - q : q;
        return Math.fma(xc * g, INV_SQRT_2PI, phi);
    }

    private static double geluTanh(double x) {
        double e = VectorOps.exp(x * (-2 * TANH_BETA) * Math.fma(x * x, TANH_KAPPA, 1.0));
        return x / (e + 1.0);
    }

    private static double geluTanhGrad(double x) {
        double xc = Math.max(-100.0, Math.min(100.0, x));
        double x2 = xc * xc;
        double e = VectorOps.exp(xc * (-2 * TANH_BETA) * Math.fma(x2, TANH_KAPPA, 1.0));
        double s = 1.0 / (e + 1.0);
        double oneMinusS = 1.0 / (1.0 / e + 1.0);
        double dy = Math.fma(x2, 3 * TANH_KAPPA, 1.0) * (2 * TANH_BETA);
        return Math.fma(xc * s * oneMinusS, dy, s);
    }

    /** Below this |x|, tanh x = x·(1 − x²/3) to double precision (the next term is 2x⁵/15). */
    private static final double TANH_SMALL = 0x1p-12;

    /** tanh x = (1 − e)/(1 + e)·sign x with e = e^(−2|x|); no cancellation worth a float ulp above 2⁻¹². */
    private static double tanh(double x) {
        double a = Math.abs(x);
        if (a < TANH_SMALL) {
            return x * Math.fma(x * x, -1.0 / 3, 1.0);
        }
        double e = VectorOps.exp(a * -2.0);
        double t = (1.0 - e) / (1.0 + e);
        return x < 0 ? -t : t;
    }

    /** tanh'(x) = 1/cosh²(x) = 4e/(1 + e)² with e = e^(−2|x|): no cancellation for large |x|. */
    private static double tanhGrad(double x) {
        double e = VectorOps.exp(Math.abs(x) * -2.0);
        double d = 1.0 + e;
        return e * 4.0 / (d * d);
    }

    // ---------------------------------------------------------------- vectorised array forms

    /**
     * out[outOff + i] = a(x[off + i]) for i &lt; n. {@code out} may be {@code x} with the same
     * offset (in place).
     */
    public static void forward(Activation a, float[] x, int off, float[] out, int outOff, int n) {
        if (n <= 0) {
            return;
        }
        Objects.checkFromIndexSize(off, n, x.length);
        Objects.checkFromIndexSize(outOff, n, out.length);
        // one small method per activation: a single method holding every loop grows past C2's
        // inlining budget, and a vector that is not inlined is boxed (10-100x slower)
        switch (a) {
            case NONE -> {
                if (x != out || off != outOff) {
                    System.arraycopy(x, off, out, outOff, n);
                }
            }
            case GELU -> geluForward(x, off, out, outOff, n);
            case GELU_TANH -> geluTanhForward(x, off, out, outOff, n);
            case RELU -> reluForward(x, off, out, outOff, n);
            case TANH -> tanhForward(x, off, out, outOff, n);
        }
    }

    /**
     * dx[dxOff + i] = dout[dOff + i] · a'(preact[off + i]) for i &lt; n. {@code dx} may alias
     * {@code dout} (in place).
     */
    public static void backward(Activation a, float[] preact, int off, float[] dout, int dOff,
                                float[] dx, int dxOff, int n) {
        if (n <= 0) {
            return;
        }
        Objects.checkFromIndexSize(off, n, preact.length);
        Objects.checkFromIndexSize(dOff, n, dout.length);
        Objects.checkFromIndexSize(dxOff, n, dx.length);
        switch (a) {
            case NONE -> {
                if (dout != dx || dOff != dxOff) {
                    System.arraycopy(dout, dOff, dx, dxOff, n);
                }
            }
            case GELU -> geluBackward(preact, off, dout, dOff, dx, dxOff, n);
            case GELU_TANH -> geluTanhBackward(preact, off, dout, dOff, dx, dxOff, n);
            case RELU -> reluBackward(preact, off, dout, dOff, dx, dxOff, n);
            case TANH -> tanhBackward(preact, off, dout, dOff, dx, dxOff, n);
        }
    }


    // ---------------------------------------------------------------- vector loops
    //
    // GELU and GELU_TANH load half a vector of floats, widen it to a full vector of doubles, run
    // the scalar method's operations one for one and round once: the results are the scalar
    // method's, bit for bit in practice. Evaluated in float instead, the polynomial alone costs
    // ~2 ulp and the whole ~5 ulp, for about a third of the time (see docs/kernels-cpu-gemm.md).
    //
    // Each loop is self-contained on purpose: a Vector API helper of our own that C2 does not
    // inline (it compiled it on its own first, or the caller ran past its node budget) passes
    // boxed vectors and runs 10-100x slower, and C2 decides that differently from run to run.

    /** Doubles of the preferred shape, and floats of half that shape (as many lanes). */
    private static final VectorSpecies<Double> DS = VectorSpecies.of(double.class, S.vectorShape());
    private static final VectorSpecies<Float> HS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final int HL = HS.length();
    private static final double C0 = HALF_ERFCX[0];
    private static final double C1 = HALF_ERFCX[1];
    private static final double C2 = HALF_ERFCX[2];
    private static final double C3 = HALF_ERFCX[3];
    private static final double C4 = HALF_ERFCX[4];
    private static final double C5 = HALF_ERFCX[5];
    private static final double C6 = HALF_ERFCX[6];
    private static final double C7 = HALF_ERFCX[7];
    private static final double C8 = HALF_ERFCX[8];
    private static final double C9 = HALF_ERFCX[9];
    private static final double C10 = HALF_ERFCX[10];
    private static final double C11 = HALF_ERFCX[11];

    private static void geluForward(float[] x, int off, float[] out, int outOff, int n) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, x, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector u = v.abs().min(GAUSS_CLAMP);
            DoubleVector gauss = VectorOps.exp(u.mul(u).mul(-0.5));
            DoubleVector t = one.div(u.fma(DoubleVector.broadcast(DS, T_SCALE), one));
            DoubleVector p = DoubleVector.broadcast(DS, C11);
            p = p.fma(t, DoubleVector.broadcast(DS, C10));
            p = p.fma(t, DoubleVector.broadcast(DS, C9));
            p = p.fma(t, DoubleVector.broadcast(DS, C8));
            p = p.fma(t, DoubleVector.broadcast(DS, C7));
            p = p.fma(t, DoubleVector.broadcast(DS, C6));
            p = p.fma(t, DoubleVector.broadcast(DS, C5));
            p = p.fma(t, DoubleVector.broadcast(DS, C4));
            p = p.fma(t, DoubleVector.broadcast(DS, C3));
            p = p.fma(t, DoubleVector.broadcast(DS, C2));
            p = p.fma(t, DoubleVector.broadcast(DS, C1));
            p = p.fma(t, DoubleVector.broadcast(DS, C0));
            DoubleVector q = gauss.mul(t).mul(p);
            DoubleVector phi = q.blend(one.sub(q), v.compare(VectorOperators.GE, 0.0));
            ((FloatVector) v.mul(phi).convertShape(VectorOperators.D2F, HS, 0)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = (float) gelu(x[off + i]);
        }
    }

    private static void geluBackward(float[] pre, int off, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, pre, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector xc = v.max(-GAUSS_CLAMP).min(GAUSS_CLAMP);
            DoubleVector u = xc.abs();
            DoubleVector gauss = VectorOps.exp(u.mul(u).mul(-0.5));
            DoubleVector t = one.div(u.fma(DoubleVector.broadcast(DS, T_SCALE), one));
            DoubleVector p = DoubleVector.broadcast(DS, C11);
            p = p.fma(t, DoubleVector.broadcast(DS, C10));
            p = p.fma(t, DoubleVector.broadcast(DS, C9));
            p = p.fma(t, DoubleVector.broadcast(DS, C8));
            p = p.fma(t, DoubleVector.broadcast(DS, C7));
            p = p.fma(t, DoubleVector.broadcast(DS, C6));
            p = p.fma(t, DoubleVector.broadcast(DS, C5));
            p = p.fma(t, DoubleVector.broadcast(DS, C4));
            p = p.fma(t, DoubleVector.broadcast(DS, C3));
            p = p.fma(t, DoubleVector.broadcast(DS, C2));
            p = p.fma(t, DoubleVector.broadcast(DS, C1));
            p = p.fma(t, DoubleVector.broadcast(DS, C0));
            DoubleVector q = gauss.mul(t).mul(p);
            DoubleVector phi = q.blend(one.sub(q), v.compare(VectorOperators.GE, 0.0));
            DoubleVector grad = xc.mul(gauss).fma(DoubleVector.broadcast(DS, INV_SQRT_2PI), phi);
            FloatVector g = (FloatVector) grad.convertShape(VectorOperators.D2F, HS, 0);
            g.mul(FloatVector.fromArray(HS, dout, dOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dout[dOff + i] * (float) geluGrad(pre[off + i]);
        }
    }

    private static void geluTanhForward(float[] x, int off, float[] out, int outOff, int n) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, x, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector inner = v.mul(v).fma(DoubleVector.broadcast(DS, TANH_KAPPA), one);
            DoubleVector e = VectorOps.exp(v.mul(-2 * TANH_BETA).mul(inner));
            ((FloatVector) v.div(e.add(1.0)).convertShape(VectorOperators.D2F, HS, 0)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = (float) geluTanh(x[off + i]);
        }
    }

    private static void geluTanhBackward(float[] pre, int off, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, pre, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector xc = v.max(-100.0).min(100.0);
            DoubleVector x2 = xc.mul(xc);
            DoubleVector e = VectorOps.exp(xc.mul(-2 * TANH_BETA).mul(x2.fma(DoubleVector.broadcast(DS, TANH_KAPPA), one)));
            DoubleVector s = one.div(e.add(1.0));
            DoubleVector oneMinusS = one.div(one.div(e).add(1.0));
            DoubleVector dy = x2.fma(DoubleVector.broadcast(DS, 3 * TANH_KAPPA), one).mul(2 * TANH_BETA);
            DoubleVector grad = xc.mul(s).mul(oneMinusS).fma(dy, s);
            FloatVector g = (FloatVector) grad.convertShape(VectorOperators.D2F, HS, 0);
            g.mul(FloatVector.fromArray(HS, dout, dOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dout[dOff + i] * (float) geluTanhGrad(pre[off + i]);
        }
    }

    private static void reluForward(float[] x, int off, float[] out, int outOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, off + i).max(0f).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = RELU.apply(x[off + i]);
        }
    }

    /** RELU passes the gradient where x &gt; 0 and 0 elsewhere (also where dout is NaN). */
    private static void reluBackward(float[] pre, int off, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector p = FloatVector.fromArray(S, pre, off + i);
            FloatVector g = FloatVector.fromArray(S, dout, dOff + i);
            FloatVector.zero(S).blend(g, p.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = pre[off + i] > 0f ? dout[dOff + i] : 0f;
        }
    }

    private static void tanhForward(float[] x, int off, float[] out, int outOff, int n) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, x, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector a = v.abs();
            DoubleVector small = v.mul(v.mul(v).fma(DoubleVector.broadcast(DS, -1.0 / 3), one));
            DoubleVector e = VectorOps.exp(a.mul(-2.0));
            DoubleVector t = one.sub(e).div(one.add(e));
            t = t.blend(t.neg(), v.compare(VectorOperators.LT, 0.0));
            t = t.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
            ((FloatVector) t.convertShape(VectorOperators.D2F, HS, 0)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = TANH.apply(x[off + i]);
        }
    }

    /** As {@link #tanhGrad}, in double, rounded once, then times dout in float. */
    private static void tanhBackward(float[] pre, int off, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - HL; i += HL) {
            DoubleVector v = (DoubleVector) FloatVector.fromArray(HS, pre, off + i)
                    .convertShape(VectorOperators.F2D, DS, 0);
            DoubleVector e = VectorOps.exp(v.abs().mul(-2.0));
            DoubleVector d = e.add(1.0);
            FloatVector g = (FloatVector) e.mul(4.0).div(d.mul(d)).convertShape(VectorOperators.D2F, HS, 0);
            g.mul(FloatVector.fromArray(HS, dout, dOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dout[dOff + i] * TANH.derivative(pre[off + i]);
        }
    }
}
