package dev.jbert.engine.train;

import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code torch.optim.AdamW} as Hugging Face's Trainer sets it up: two groups, the decay group
 * ({@link Parameter#decays()}) with the given weight decay and the rest with 0.
 *
 * <p>Per parameter with a gradient, at its step t = 1, 2, … (PyTorch's single-tensor path,
 * {@code foreach=False}, which is what CPU tensors get), in float32 with the scalars rounded
 * to float32 as PyTorch's CPU kernels do:
 * <pre>
 *   p = p · (float)(1 − lr·wd)                       (only when wd ≠ 0; lr = 0 multiplies by 1)
 *   m = fma((float)(1 − β1), g − m, m)               (exp_avg.lerp_(g, 1 − β1); vectorised lerp is an FMA)
 *   v = v·(float)β2 + ((float)(1 − β2)·g)·g          (exp_avg_sq.mul_(β2).addcmul_(g, g, 1 − β2))
 *   denom = sqrt(v) / (float)√(1 − β2ᵗ) + (float)eps
 *   p = p + ((float)(−lr/(1 − β1ᵗ))·m) / denom       (param.addcdiv_(m, denom, −step_size))
 * </pre>
 * The bias corrections and the step size are computed in double as Python does
 * ({@code StrictMath.pow}; Python calls the C library's {@code pow}, which may differ in the
 * last bit of a double — invisible after rounding to float in all but rare cases). Every lane
 * of every vector and of the masked tail does exactly these float operations, so results do not
 * depend on the vector width, the chunking or the thread count.
 *
 * <p>Parameters without a gradient ({@code !hasGrad()}, PyTorch's {@code grad is None}) are
 * skipped and their step does not advance; non-trainable parameters are not managed at all.
 * The work is split into fixed chunks of every parameter and run on {@link Parallel}.
 *
 * <p>State for checkpoints: {@link #stateTensors()} ({@code exp_avg.<name>},
 * {@code exp_avg_sq.<name>}) and {@link #stepCount()}; {@link #loadState} restores them, after
 * which training continues bit for bit as if never interrupted.
 */
public final class AdamW {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Elements per unit of parallel work. */
    private static final int CHUNK = 1 << 15;

    private final Parameter[] params;
    private final double[] weightDecay;
    private final double decayGroupWeightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final float[][] expAvg;
    private final float[][] expAvgSq;
    private final long[] steps;
    private long stepCount;

    // work split: chunk k covers params[chunkParam[k]] elements [chunkStart[k], chunkEnd[k])
    private final int[] chunkParam;
    private final int[] chunkStart;
    private final int[] chunkEnd;

    // per-step scalars, per parameter (written before the parallel loop)
    private final boolean[] active;
    private final float[] decayFactor;
    private final float[] negStepSize;
    private final float[] biasCorrection2Sqrt;

    /** AdamW with betas (0.9, 0.999), eps 1e-8, and {@code weightDecay} for the decay group. */
    public AdamW(List<Parameter> parameters, double weightDecay) {
        this(parameters, weightDecay, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    /**
     * @param parameters  all model parameters; non-trainable ones are left alone
     * @param weightDecay decoupled weight decay of the parameters that {@link Parameter#decays()};
     *                    the others get 0 (Hugging Face's {@code args.weight_decay}, default 0)
     */
    public AdamW(List<Parameter> parameters, double weightDecay, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must lie in [0, 1), found (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW eps and weight decay must be finite and non-negative, found eps "
                    + eps + ", weight decay " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decayGroupWeightDecay = weightDecay;
        List<Parameter> managed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Parameter p : parameters) {
            if (!p.trainable()) {
                continue;
            }
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("AdamW: parameter " + p.name() + " is listed twice");
            }
            managed.add(p);
        }
        this.params = managed.toArray(new Parameter[0]);
        int n = params.length;
        this.weightDecay = new double[n];
        for (int i = 0; i < n; i++) {
            this.weightDecay[i] = params[i].decays() ? weightDecay : 0.0;
        }
        this.expAvg = new float[n][];
        this.expAvgSq = new float[n][];
        this.steps = new long[n];
        this.active = new boolean[n];
        this.decayFactor = new float[n];
        this.negStepSize = new float[n];
        this.biasCorrection2Sqrt = new float[n];

        int chunks = 0;
        for (Parameter p : params) {
            chunks += (p.value().size() + CHUNK - 1) / CHUNK;
        }
        chunkParam = new int[chunks];
        chunkStart = new int[chunks];
        chunkEnd = new int[chunks];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int size = params[i].value().size();
            for (int s = 0; s < size; s += CHUNK) {
                chunkParam[k] = i;
                chunkStart[k] = s;
                chunkEnd[k] = Math.min(size, s + CHUNK);
                k++;
            }
        }
    }

    /**
     * Names of the trainable parameters in the weight-decay group, in list order (Hugging Face's
     * {@code decay_parameters} restricted to what the optimizer receives).
     */
    public static List<String> decayParameterNames(List<Parameter> parameters) {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters) {
            if (p.trainable() && p.decays()) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** The parameters this optimizer updates (the trainable ones), in order. */
    public List<Parameter> parameters() {
        return List.of(params);
    }

    /** Number of {@link #step} calls so far (restored by {@link #loadState}). */
    public long stepCount() {
        return stepCount;
    }

    /** β1, the decay rate of the first moment ({@code exp_avg}). */
    public double beta1() {
        return beta1;
    }

    /** β2, the decay rate of the second moment ({@code exp_avg_sq}). */
    public double beta2() {
        return beta2;
    }

    /** The ε added to the root of the second moment. */
    public double eps() {
        return eps;
    }

    /** The weight decay of the decay group ({@link Parameter#decays()}); the other group has 0. */
    public double weightDecay() {
        return decayGroupWeightDecay;
    }

    /**
     * Counts one step taken elsewhere (by a device that holds the parameters and moments, with
     * step {@code stepCount() + 1}) without touching the host moments. The host state is brought
     * up to date afterwards by {@link #loadState} with the device's moments and {@link #stepCount()}.
     */
    public void advanceStepCount() {
        stepCount++;
    }

    /** Zeroes the gradients of all managed parameters. */
    public void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /** One AdamW update of every parameter that has a gradient, with learning rate {@code lr}. */
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("AdamW learning rate must be finite and non-negative, found " + lr);
        }
        stepCount++;
        for (int i = 0; i < params.length; i++) {
            active[i] = params[i].hasGrad();
            if (!active[i]) {
                continue;
            }
            if (expAvg[i] == null) {
                int size = params[i].value().size();
                expAvg[i] = new float[size];
                expAvgSq[i] = new float[size];
            }
            long t = ++steps[i];
            double biasCorrection1 = 1 - StrictMath.pow(beta1, (double) t);
            double biasCorrection2 = 1 - StrictMath.pow(beta2, (double) t);
            double stepSize = lr / biasCorrection1;
            decayFactor[i] = (float) (1 - lr * weightDecay[i]);
            negStepSize[i] = (float) -stepSize;
            biasCorrection2Sqrt[i] = (float) Math.sqrt(biasCorrection2);
        }
        final float lerpWeight = (float) (1 - beta1);
        final float beta2f = (float) beta2;
        final float oneMinusBeta2 = (float) (1 - beta2);
        final float epsf = (float) eps;
        Parallel.forRange(chunkParam.length, 1, (from, to, chunk) -> {
            for (int k = from; k < to; k++) {
                int i = chunkParam[k];
                if (!active[i]) {
                    continue;
                }
                update(params[i].data(), params[i].grad().data(), expAvg[i], expAvgSq[i], chunkStart[k], chunkEnd[k],
                        weightDecay[i] != 0, decayFactor[i], lerpWeight, beta2f, oneMinusBeta2,
                        biasCorrection2Sqrt[i], epsf, negStepSize[i]);
            }
        });
    }

    /** The AdamW update of elements [from, to) of one parameter; see the class comment. */
    static void update(float[] p, float[] g, float[] m, float[] v, int from, int to,
                       boolean decay, float decayFactor, float lerpWeight, float beta2, float oneMinusBeta2,
                       float biasCorrection2Sqrt, float eps, float negStepSize) {
        // PyTorch's lerp: small weights go from the start, large ones back from the end.
        boolean smallWeight = Math.abs(lerpWeight) < 0.5f;
        FloatVector coeff = FloatVector.broadcast(F, smallWeight ? lerpWeight : lerpWeight - 1f);
        int j = from;
        for (int bound = from + F.loopBound(to - from); j < bound; j += F.length()) {
            FloatVector pv = FloatVector.fromArray(F, p, j);
            FloatVector gv = FloatVector.fromArray(F, g, j);
            FloatVector mv = FloatVector.fromArray(F, m, j);
            FloatVector vv = FloatVector.fromArray(F, v, j);
            if (decay) {
                pv = pv.mul(decayFactor);
            }
            mv = gv.sub(mv).fma(coeff, smallWeight ? mv : gv);
            vv = vv.mul(beta2).add(gv.mul(oneMinusBeta2).mul(gv));
            FloatVector denom = vv.sqrt().div(biasCorrection2Sqrt).add(eps);
            pv = pv.add(mv.mul(negStepSize).div(denom));
            pv.intoArray(p, j);
            mv.intoArray(m, j);
            vv.intoArray(v, j);
        }
        if (j < to) {
            VectorMask<Float> mask = F.indexInRange(j, to);
            FloatVector pv = FloatVector.fromArray(F, p, j, mask);
            FloatVector gv = FloatVector.fromArray(F, g, j, mask);
            FloatVector mv = FloatVector.fromArray(F, m, j, mask);
            FloatVector vv = FloatVector.fromArray(F, v, j, mask);
            if (decay) {
                pv = pv.mul(decayFactor);
            }
            mv = gv.sub(mv).fma(coeff, smallWeight ? mv : gv);
            vv = vv.mul(beta2).add(gv.mul(oneMinusBeta2).mul(gv));
            FloatVector denom = vv.sqrt().div(biasCorrection2Sqrt).add(eps);
            pv = pv.add(mv.mul(negStepSize).div(denom));
            pv.intoArray(p, j, mask);
            mv.intoArray(m, j, mask);
            vv.intoArray(v, j, mask);
        }
    }

    /**
     * The optimizer's moment tensors for a checkpoint: {@code exp_avg.<name>} and
     * {@code exp_avg_sq.<name>} for every parameter that has taken a step, in parameter order.
     * The tensors share this optimizer's storage (copy them to keep a snapshot across steps).
     */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            if (expAvg[i] != null) {
                int[] shape = params[i].shape();
                state.put("exp_avg." + params[i].name(), new Tensor(expAvg[i], shape));
                state.put("exp_avg_sq." + params[i].name(), new Tensor(expAvgSq[i], shape));
            }
        }
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores a state saved from {@link #stateTensors()} and {@link #stepCount()} (values are
     * copied). Every parameter with moments gets step {@code stepCount} (exact whenever every
     * parameter had a gradient at every step, as in fine-tuning); the others start afresh.
     * Unknown names, a missing half of a pair or a wrong shape raise, naming the tensor.
     */
    public void loadState(Map<String, Tensor> state, long stepCount) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("AdamW state: step count must be non-negative, found " + stepCount);
        }
        Set<String> unused = new HashSet<>(state.keySet());
        float[][] newAvg = new float[params.length][];
        float[][] newAvgSq = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            String name = params[i].name();
            Tensor m = state.get("exp_avg." + name);
            Tensor v = state.get("exp_avg_sq." + name);
            unused.remove("exp_avg." + name);
            unused.remove("exp_avg_sq." + name);
            if (m == null && v == null) {
                continue;
            }
            if (m == null || v == null) {
                throw new IllegalArgumentException("AdamW state: " + (m == null ? "exp_avg." : "exp_avg_sq.") + name
                        + " is missing while its pair is present");
            }
            for (Tensor t : new Tensor[] {m, v}) {
                if (!Arrays.equals(t.shape(), params[i].shape())) {
                    throw new IllegalArgumentException("AdamW state: " + (t == m ? "exp_avg." : "exp_avg_sq.") + name
                            + " has shape " + t.shapeString() + ", expected " + params[i].value().shapeString());
                }
            }
            newAvg[i] = m.data().clone();
            newAvgSq[i] = v.data().clone();
        }
        if (!unused.isEmpty()) {
            List<String> sorted = new ArrayList<>(unused);
            Collections.sort(sorted);
            throw new IllegalArgumentException("AdamW state: tensors for no trainable parameter: " + sorted);
        }
        for (int i = 0; i < params.length; i++) {
            expAvg[i] = newAvg[i];
            expAvgSq[i] = newAvgSq[i];
            steps[i] = newAvg[i] == null ? 0 : stepCount;
        }
        this.stepCount = stepCount;
    }
}
