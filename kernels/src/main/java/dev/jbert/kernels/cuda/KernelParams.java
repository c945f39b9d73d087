package dev.jbert.kernels.cuda;

import dev.jbert.kernels.device.KernelArgs;
import java.util.List;
import java.util.StringJoiner;
import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * A launch's arguments as the driver's {@code void** kernelParams}: one host pointer per parameter,
 * each to a one-element array holding the value's bytes. Pointers and 64-bit integers travel as a
 * {@code long[]} (a device address is 8 bytes, exactly what a {@code CUdeviceptr} would hold),
 * {@code int} and {@code float} as an {@code int[]} of their bits, {@code double} as a
 * {@code long[]} of its bits, so that every value reaches the kernel bit for bit.
 *
 * <p>Before packing, the arguments are checked against the entry point's PTX parameter list: the
 * driver copies as many bytes as the kernel declares, whatever it is given, so a missing or
 * mistyped argument would otherwise be read as garbage.
 */
final class KernelParams {
    private KernelParams() {
    }

    /** The {@code kernelParams} array for {@code args}. */
    static Pointer pack(List<KernelArgs.Arg> args) {
        NativePointerObject[] params = new NativePointerObject[args.size()];
        for (int i = 0; i < params.length; i++) {
            KernelArgs.Arg a = args.get(i);
            params[i] = switch (a.type()) {
                case PTR, U64, F64 -> Pointer.to(new long[] {a.bits()});
                case I32, F32 -> Pointer.to(new int[] {(int) a.bits()});
            };
        }
        return Pointer.to(params);
    }

    /**
     * Checks that {@code args} match the PTX parameter types {@code ptxTypes} of {@code kernel} in
     * number and size; throws IllegalArgumentException naming the first mismatch.
     */
    static void check(String kernel, List<String> ptxTypes, List<KernelArgs.Arg> args) {
        if (ptxTypes.size() != args.size()) {
            throw new IllegalArgumentException(kernel + " takes " + ptxTypes.size() + " parameters " + ptxList(ptxTypes)
                    + " but was given " + args.size() + " " + argList(args));
        }
        for (int i = 0; i < args.size(); i++) {
            KernelArgs.Type t = args.get(i).type();
            String p = ptxTypes.get(i);
            if (!fits(p, t)) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " of " + kernel + " is ." + p
                        + " but was given " + t + " (all parameters: " + ptxList(ptxTypes) + ")");
            }
        }
    }

    /** Whether an argument of type {@code t} is what a PTX parameter of type {@code ptx} holds. */
    static boolean fits(String ptx, KernelArgs.Type t) {
        return switch (ptx) {
            case "u64", "s64" -> t == KernelArgs.Type.PTR || t == KernelArgs.Type.U64;
            case "b64" -> t == KernelArgs.Type.PTR || t == KernelArgs.Type.U64 || t == KernelArgs.Type.F64;
            case "u32", "s32" -> t == KernelArgs.Type.I32;
            case "b32" -> t == KernelArgs.Type.I32 || t == KernelArgs.Type.F32;
            case "f32" -> t == KernelArgs.Type.F32;
            case "f64" -> t == KernelArgs.Type.F64;
            default -> false;
        };
    }

    private static String ptxList(List<String> types) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        types.forEach(t -> j.add("." + t));
        return j.toString();
    }

    private static String argList(List<KernelArgs.Arg> args) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        args.forEach(a -> j.add(a.type().name()));
        return j.toString();
    }
}
