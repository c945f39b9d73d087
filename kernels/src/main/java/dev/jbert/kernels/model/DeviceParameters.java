package dev.jbert.kernels.model;

import dev.jbert.engine.nn.Parameter;
import dev.jbert.engine.tensor.Tensor;
import dev.jbert.engine.train.AdamW;
import dev.jbert.kernels.device.Device;
import dev.jbert.kernels.ops.OptimizerLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's state on the device: every trainable parameter in the four flat buffers the
 * optimizer kernels work on (weights, gradients, {@code exp_avg}, {@code exp_avg_sq}, laid out by
 * {@link OptimizerLayout} in {@code model.parameters()} order), and the constants (DistilBERT's
 * sinusoidal position table) as plain buffers. It maps each host {@link Parameter} to its device
 * weights and gradient, and copies weights and AdamW moments between host and device.
 */
final class DeviceParameters {
    private final Device device;
    private final List<Parameter> trainable = new ArrayList<>();
    private final List<Parameter> constants = new ArrayList<>();
    private final Map<Parameter, Integer> index = new IdentityHashMap<>();
    private final Map<Parameter, Long> constantPtr = new IdentityHashMap<>();
    private final OptimizerLayout layout;
    final long weights;
    final long grads;
    final long expAvg;
    final long expAvgSq;

    DeviceParameters(Device device, List<Parameter> parameters, DeviceArena arena) {
        this.device = device;
        for (Parameter p : parameters) {
            if (index.containsKey(p) || constantPtr.containsKey(p)) {
                throw new IllegalArgumentException("parameter " + p.name() + " is listed twice");
            }
            if (p.trainable()) {
                index.put(p, trainable.size());
                trainable.add(p);
            } else {
                constants.add(p);
                constantPtr.put(p, arena.stateFloats(p.value().size()));
            }
        }
        long[] sizes = new long[trainable.size()];
        boolean[] decays = new boolean[trainable.size()];
        for (int t = 0; t < sizes.length; t++) {
            sizes[t] = trainable.get(t).value().size();
            decays[t] = trainable.get(t).decays();
        }
        this.layout = OptimizerLayout.of(sizes, decays);
        long n = layout.totalFloats();
        this.weights = arena.stateFloats(n);
        this.grads = arena.stateFloats(n);
        this.expAvg = arena.stateFloats(n);
        this.expAvgSq = arena.stateFloats(n);
    }

    OptimizerLayout layout() {
        return layout;
    }

    /** The trainable parameters, in layout order. */
    List<Parameter> trainable() {
        return trainable;
    }

    /** Number of trainable weights (padding excluded). */
    long count() {
        long n = 0;
        for (Parameter p : trainable) {
            n += p.value().size();
        }
        return n;
    }

    /** The device address of {@code p}'s values. */
    long value(Parameter p) {
        Integer t = index.get(p);
        if (t != null) {
            return weights + 4 * layout.offset(t);
        }
        Long c = constantPtr.get(p);
        if (c == null) {
            throw new IllegalArgumentException("parameter " + p.name() + " is not part of this device model");
        }
        return c;
    }

    /** The device address of {@code p}'s gradient, or 0 for a constant (it gets none). */
    long grad(Parameter p) {
        Integer t = index.get(p);
        return t == null ? 0 : grads + 4 * layout.offset(t);
    }

    void zeroGrads() {
        device.zero(grads, 4 * layout.totalFloats());
    }

    void toDevice() {
        for (int t = 0; t < trainable.size(); t++) {
            float[] d = trainable.get(t).data();
            device.toDevice(weights + 4 * layout.offset(t), d, 0, d.length);
        }
        for (Parameter p : constants) {
            device.toDevice(constantPtr.get(p), p.data(), 0, p.data().length);
        }
    }

    void toHost() {
        for (int t = 0; t < trainable.size(); t++) {
            float[] d = trainable.get(t).data();
            device.toHost(weights + 4 * layout.offset(t), d, 0, d.length);
        }
    }

    /** The device gradients of every trainable parameter, in order (for tests and inspection). */
    Map<String, float[]> gradsToHost() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int t = 0; t < trainable.size(); t++) {
            float[] g = new float[trainable.get(t).value().size()];
            device.toHost(grads + 4 * layout.offset(t), g, 0, g.length);
            out.put(trainable.get(t).name(), g);
        }
        return out;
    }

    /** Checks that {@code optimizer} manages exactly this model's trainable parameters. */
    void checkOptimizer(AdamW optimizer) {
        List<Parameter> ps = optimizer.parameters();
        boolean same = ps.size() == trainable.size();
        for (int t = 0; same && t < ps.size(); t++) {
            same = ps.get(t) == trainable.get(t);
        }
        if (!same) {
            throw new IllegalArgumentException("the AdamW optimizer manages " + ps.size()
                    + " parameters that are not this device model's " + trainable.size()
                    + " trainable parameters (build it from the same SequenceClassifier's parameters())");
        }
    }

    /**
     * Loads the device moments into {@code optimizer} with its current step count (every tensor
     * took every step, as in fine-tuning); before the first step there are none.
     */
    void optimizerStateToHost(AdamW optimizer) {
        checkOptimizer(optimizer);
        Map<String, Tensor> state = new LinkedHashMap<>();
        if (optimizer.stepCount() > 0) {
            for (int t = 0; t < trainable.size(); t++) {
                Parameter p = trainable.get(t);
                int n = p.value().size();
                float[] m = new float[n];
                float[] v = new float[n];
                device.toHost(expAvg + 4 * layout.offset(t), m, 0, n);
                device.toHost(expAvgSq + 4 * layout.offset(t), v, 0, n);
                state.put("exp_avg." + p.name(), new Tensor(m, p.shape()));
                state.put("exp_avg_sq." + p.name(), new Tensor(v, p.shape()));
            }
        }
        optimizer.loadState(state, optimizer.stepCount());
    }

    /** Uploads {@code optimizer}'s moments; tensors that have none start from zero. */
    void optimizerStateToDevice(AdamW optimizer) {
        checkOptimizer(optimizer);
        Map<String, Tensor> state = optimizer.stateTensors();
        for (int t = 0; t < trainable.size(); t++) {
            Parameter p = trainable.get(t);
            long off = 4 * layout.offset(t);
            Tensor m = state.get("exp_avg." + p.name());
            Tensor v = state.get("exp_avg_sq." + p.name());
            if (m == null || v == null) {
                device.zero(expAvg + off, 4L * p.value().size());
                device.zero(expAvgSq + off, 4L * p.value().size());
            } else {
                device.toDevice(expAvg + off, m.data(), 0, m.size());
                device.toDevice(expAvgSq + off, v.data(), 0, v.size());
            }
        }
    }
}
