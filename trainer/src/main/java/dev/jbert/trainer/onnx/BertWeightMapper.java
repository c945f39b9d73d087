package dev.jbert.trainer.onnx;

import dev.jbert.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a PyTorch-exported BERT graph's initializers their Hugging Face names.
 *
 * <p>The exporter keeps the names of parameters it uses as they are ({@code embeddings.*},
 * every {@code .bias}, the LayerNorm weights, the pooler's Gemm weight), but a Linear layer
 * exported as {@code MatMul} needs its weight transposed, so the exporter stores a transposed
 * copy under an anonymous name ({@code onnx::MatMul_885}). Such a weight is found by following
 * the graph: it is the second input of a MatMul whose output feeds an Add with a named
 * {@code X.bias} initializer, so it is {@code X.weight}, and goes back from ONNX's
 * {@code [in, out]} to Hugging Face's {@code [out, in]}. Where no bias follows, the node's scope
 * ({@code /encoder/layer.0/attention/self/query/MatMul}) names the module instead. A Gemm
 * weight is taken as stored when {@code transB=1} and transposed otherwise.
 */
public final class BertWeightMapper {
    /** A parameter path as PyTorch's state_dict writes it: dotted identifiers ending in a parameter name. */
    private static final Pattern HF_PARAMETER =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*\\.(weight|bias|gamma|beta)");
    private static final Pattern MATMUL_SCOPE = Pattern.compile("/((?:[^/]+/)*[^/]+)/(?:MatMul|Gemm)(?:_\\d+)?");

    private final OnnxGraph graph;

    public BertWeightMapper(OnnxGraph graph) {
        this.graph = graph;
    }

    public MappedWeights map() {
        SortedMap<String, Tensor> out = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        List<OnnxTensor> anonymous = new ArrayList<>();
        for (OnnxTensor t : graph.initializers().values()) {
            OnnxDataType type = t.type();
            boolean floating = type != null && type.isFloating();
            if (floating && isHfParameter(t.name())) {
                out.put(t.name(), new Tensor(t.floats(), t.shape()));
            } else if (floating && isLinearWeight(t.name())) {
                anonymous.add(t);
            } else {
                skipped.add(t.name() + " (" + (type == null ? OnnxDataType.describe(t.dataType()) : type.name()) + " "
                        + t.shapeString() + (floating ? ", a graph constant" : ", not a float parameter") + ")");
            }
        }
        for (OnnxTensor t : anonymous) {
            Mapped m = mapLinearWeight(t);
            if (out.containsKey(m.name)) {
                throw new OnnxFormatException("initializer '" + t.name() + "' maps to '" + m.name
                        + "', which another initializer already holds");
            }
            out.put(m.name, m.tensor);
        }
        return new MappedWeights(out, List.copyOf(skipped));
    }

    static boolean isHfParameter(String name) {
        return HF_PARAMETER.matcher(name).matches();
    }

    /** Whether the initializer is the second input of a MatMul or Gemm. */
    private boolean isLinearWeight(String name) {
        for (OnnxNode n : graph.consumers(name)) {
            if (isLinear(n) && name.equals(n.input(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLinear(OnnxNode n) {
        return n.opType().equals("MatMul") || n.opType().equals("Gemm");
    }

    private record Mapped(String name, Tensor tensor) {
    }

    private Mapped mapLinearWeight(OnnxTensor w) {
        String module = null;
        boolean transposed = true;
        OnnxNode first = null;
        for (OnnxNode n : graph.consumers(w.name())) {
            if (!isLinear(n) || !w.name().equals(n.input(1))) {
                continue;
            }
            String m = moduleOf(n);
            if (m == null) {
                throw new OnnxFormatException("cannot map initializer '" + w.name() + "' " + w.shapeString()
                        + " to a Hugging Face name: it is the weight of " + n.label()
                        + ", whose output feeds no Add with a named '....bias' initializer and whose name carries no"
                        + " module path");
            }
            if (module != null && !module.equals(m)) {
                throw new OnnxFormatException("initializer '" + w.name() + "' is the weight of both '" + module
                        + "' and '" + m + "' (via " + first.label() + " and " + n.label() + ")");
            }
            module = m;
            first = n;
            transposed = !(n.opType().equals("Gemm") && n.intAttribute("transB", 0) == 1);
        }
        if (w.dims().length != 2) {
            throw new OnnxFormatException("initializer '" + w.name() + "', the weight of " + first.label()
                    + ", has shape " + w.shapeString() + "; expected a matrix");
        }
        int[] shape = w.shape();
        float[] values = w.floats();
        Tensor tensor = transposed ? transpose(values, shape[0], shape[1]) : new Tensor(values, shape);
        OnnxTensor bias = graph.initializer(module + ".bias");
        if (bias != null && bias.numel() != tensor.dim(0)) {
            throw new OnnxFormatException("initializer '" + w.name() + "' " + w.shapeString() + " maps to '" + module
                    + ".weight' with " + tensor.dim(0) + " outputs, but '" + module + ".bias' has " + bias.numel()
                    + " values");
        }
        return new Mapped(module + ".weight", tensor);
    }

    /**
     * The module a MatMul or Gemm belongs to: the bias its output is added to (Gemm: its third
     * input), else its scope; null where neither names one.
     */
    private String moduleOf(OnnxNode linear) {
        if (linear.opType().equals("Gemm")) {
            String c = linear.input(2);
            if (c != null && c.endsWith(".bias") && isHfParameter(c)) {
                return c.substring(0, c.length() - ".bias".length());
            }
        } else if (!linear.outputs().isEmpty()) {
            for (OnnxNode add : graph.consumers(linear.outputs().get(0))) {
                if (!add.opType().equals("Add")) {
                    continue;
                }
                for (String in : add.inputs()) {
                    if (in.endsWith(".bias") && isHfParameter(in) && graph.initializer(in) != null) {
                        return in.substring(0, in.length() - ".bias".length());
                    }
                }
            }
        }
        Matcher scope = MATMUL_SCOPE.matcher(linear.name());
        if (scope.matches()) {
            String module = scope.group(1).replace('/', '.');
            if (isHfParameter(module + ".weight")) {
                return module;
            }
        }
        return null;
    }

    /** {@code [rows, cols]} to {@code [cols, rows]}. */
    static Tensor transpose(float[] src, int rows, int cols) {
        float[] dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[from + c];
            }
        }
        return new Tensor(dst, cols, rows);
    }
}
