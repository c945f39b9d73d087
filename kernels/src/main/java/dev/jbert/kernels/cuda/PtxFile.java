package dev.jbert.kernels.cuda;

import dev.jbert.kernels.device.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of our PTX modules as it is packaged in the jar ({@value #RESOURCE_DIR}{@code <module>.ptx}):
 * the text the driver JIT-compiles, NUL-terminated as {@code cuModuleLoadData} wants it, and each
 * entry point's parameter list as the PTX declares it ({@code u64} for pointers and 64-bit
 * integers, {@code u32}, {@code f32}, {@code f64}). The parameter lists let a launch be checked
 * against the kernel before the driver reads its arguments blindly.
 */
public final class PtxFile {
    /** The class-path folder holding the PTX modules. */
    public static final String RESOURCE_DIR = "/dev/jbert/kernels/ptx/";

    private static final Pattern MODULE_NAME = Pattern.compile("[a-z0-9_]+");
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)");

    private final String module;
    private final byte[] image;
    private final Map<String, List<String>> entryPoints;

    private PtxFile(String module, byte[] image, Map<String, List<String>> entryPoints) {
        this.module = module;
        this.image = image;
        this.entryPoints = entryPoints;
    }

    /**
     * Reads {@code module}'s PTX from the class path. Throws IllegalArgumentException for a name
     * that is not a module name and DeviceException when there is no such module.
     */
    public static PtxFile load(String module) {
        if (module == null || !MODULE_NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("PTX module name: expected lower-case letters, digits and '_' (e.g. gemm_f32), found '"
                    + module + "'");
        }
        String path = RESOURCE_DIR + module + ".ptx";
        byte[] text;
        try (InputStream in = PtxFile.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DeviceException("no PTX module '" + module + "' on the class path (looked for " + path + ")");
            }
            text = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " failed: " + e.getMessage(), e);
        }
        return parse(module, text);
    }

    /** A module from PTX text already in hand (tests, tools). */
    static PtxFile parse(String module, byte[] text) {
        byte[] image = Arrays.copyOf(text, text.length + 1); // trailing NUL
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(new String(text, StandardCharsets.US_ASCII));
        while (e.find()) {
            List<String> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                params.add(p.group(1));
            }
            entries.put(e.group(1), Collections.unmodifiableList(params));
        }
        return new PtxFile(module, image, Collections.unmodifiableMap(entries));
    }

    /** The module's name ({@code gemm_f32}). */
    public String module() {
        return module;
    }

    /** The PTX text followed by one NUL byte, for {@code cuModuleLoadData} (not copied: do not modify). */
    byte[] image() {
        return image;
    }

    /** The entry points, in the order the PTX defines them. */
    public Set<String> entryPoints() {
        return entryPoints.keySet();
    }

    /** The PTX parameter types of {@code entryPoint} ({@code ["u64", "u64", "u32"]}), or empty if there is none. */
    public Optional<List<String>> parameters(String entryPoint) {
        return Optional.ofNullable(entryPoints.get(entryPoint));
    }

    @Override
    public String toString() {
        return module + ".ptx";
    }
}
