package dev.jbert.kernels.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A kernel's parameters in order, each with its C type, built fluently:
 * {@code KernelArgs.of().ptr(x).ptr(w).i32(m).f32(eps).u64(seed).f64(p)}.
 * Device implementations turn them into the driver's {@code void**} parameter array.
 */
public final class KernelArgs {
    /** The C parameter types the kernels use. */
    public enum Type {
        /** Any pointer ({@code float*}, {@code const int*}, ...): a device address, 0 = null. */
        PTR,
        /** {@code int} or {@code unsigned int} (bits as is). */
        I32,
        /** {@code unsigned long long} or {@code long long} (bits as is). */
        U64,
        /** {@code float}. */
        F32,
        /** {@code double}. */
        F64
    }

    /** One parameter: its type and its value (float/double values as raw bits). */
    public record Arg(Type type, long bits) {
    }

    private final List<Arg> args = new ArrayList<>(20);

    private KernelArgs() {
    }

    public static KernelArgs of() {
        return new KernelArgs();
    }

    public KernelArgs ptr(long devicePointer) {
        args.add(new Arg(Type.PTR, devicePointer));
        return this;
    }

    public KernelArgs i32(int v) {
        args.add(new Arg(Type.I32, v));
        return this;
    }

    public KernelArgs u64(long v) {
        args.add(new Arg(Type.U64, v));
        return this;
    }

    public KernelArgs f32(float v) {
        args.add(new Arg(Type.F32, Float.floatToRawIntBits(v)));
        return this;
    }

    public KernelArgs f64(double v) {
        args.add(new Arg(Type.F64, Double.doubleToRawLongBits(v)));
        return this;
    }

    public List<Arg> list() {
        return Collections.unmodifiableList(args);
    }

    public int size() {
        return args.size();
    }
}
