package dev.jbert.kernels.ops;

import dev.jbert.kernels.device.KernelArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C parameter types of every kernel entry point, read from the {@code .cu} sources
 * ({@code extern "C" __global__ void name(...)}; an entry point named {@code name_d##D_} inside a
 * {@code #define MACRO(D_)} expands to {@code name_d16}, {@code name_d32}, ... for each
 * {@code MACRO(16)}, {@code MACRO(32)}, ... line of the file), so that a test can hold each
 * launcher's {@link KernelArgs} against the kernel it launches.
 */
final class CudaSignatures {
    private static final Pattern ENTRY = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?"
                    + "([A-Za-z_][A-Za-z_0-9]*(?:##D_)?)\\s*\\(([^)]*)\\)");

    private static final Pattern DEFINE = Pattern.compile("#define\\s+([A-Za-z_][A-Za-z_0-9]*)\\(D_\\)");

    private CudaSignatures() {
    }

    /** Where the sources live, relative to the kernels module (the tests' working directory). */
    static Path sourceDir() {
        Path p = Path.of("src/main/cuda");
        return Files.isDirectory(p) ? p : Path.of("kernels/src/main/cuda");
    }

    /** "module:entry point" → its parameter types, for every {@code .cu} file. */
    static Map<String, List<KernelArgs.Type>> read() {
        Map<String, List<KernelArgs.Type>> out = new TreeMap<>();
        try (var files = Files.list(sourceDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu")).sorted().toList()) {
                String module = f.getFileName().toString().replace(".cu", "");
                String text = Files.readString(f).replace("\\\n", "\n");
                Matcher m = ENTRY.matcher(text);
                while (m.find()) {
                    List<KernelArgs.Type> types = types(m.group(2));
                    String name = m.group(1);
                    if (name.endsWith("##D_")) {
                        String stem = name.substring(0, name.length() - "##D_".length());
                        for (String d : instantiations(text, m.start(), f)) {
                            out.put(module + ":" + stem + d, types);
                        }
                    } else {
                        out.put(module + ":" + name, types);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the CUDA sources in " + sourceDir().toAbsolutePath(), e);
        }
        return out;
    }

    /** The arguments of the {@code MACRO(N)} lines of the macro defined last before {@code at}. */
    private static List<String> instantiations(String text, int at, Path file) {
        Matcher d = DEFINE.matcher(text.substring(0, at));
        String macro = null;
        while (d.find()) {
            macro = d.group(1);
        }
        if (macro == null) {
            throw new IllegalStateException(file + ": an entry point named with ##D_ outside a #define MACRO(D_)");
        }
        List<String> out = new ArrayList<>();
        Matcher use = Pattern.compile("(?m)^" + macro + "\\((\\d+)\\)").matcher(text);
        while (use.find()) {
            out.add(use.group(1));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(file + ": " + macro + " is never instantiated");
        }
        return out;
    }

    private static List<KernelArgs.Type> types(String params) {
        List<KernelArgs.Type> out = new ArrayList<>();
        for (String raw : params.split(",")) {
            String p = raw.replaceAll("\\s+", " ").trim();
            if (p.isEmpty()) {
                continue;
            }
            // drop the parameter's name: the last identifier
            String type = p.replaceAll("[A-Za-z_][A-Za-z_0-9]*$", "").trim();
            out.add(type(type, p));
        }
        return out;
    }

    private static KernelArgs.Type type(String type, String whole) {
        if (type.contains("*")) {
            return KernelArgs.Type.PTR;
        }
        return switch (type.replace("const ", "")) {
            case "int", "unsigned int", "unsigned" -> KernelArgs.Type.I32;
            case "long long", "unsigned long long" -> KernelArgs.Type.U64;
            case "float" -> KernelArgs.Type.F32;
            case "double" -> KernelArgs.Type.F64;
            default -> throw new IllegalStateException("unknown CUDA parameter type in '" + whole + "'");
        };
    }
}
