package dev.jbert.trainer.onnx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses an ONNX {@code ModelProto} from its protobuf wire format, without a protobuf library.
 * Only the fields the importer needs are decoded (field numbers from {@code onnx.proto}); the
 * rest are skipped. Known fields must carry their declared wire type, and a model must have an
 * {@code ir_version} and a {@code graph}: that is how a file that is not ONNX at all is told
 * apart from one that merely uses fields we skip.
 */
public final class OnnxModelReader {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_S = 4;
    private static final int ATTR_T = 5;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_SEGMENT = 3;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DOUBLE_DATA = 10;
    private static final int TENSOR_UINT64_DATA = 11;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int DATA_LOCATION_EXTERNAL = 1;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private OnnxModelReader() {
    }

    /** Parses the bytes from the buffer's position to its limit; the buffer must stay valid while tensors are read. */
    public static OnnxModel read(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            throw new OnnxFormatException("not an ONNX model: the file is empty");
        }
        try {
            return readModel(bytes);
        } catch (OnnxFormatException e) {
            String kind = sniff(bytes);
            throw kind == null ? e : new OnnxFormatException(e.getMessage() + "; the file looks like " + kind);
        }
    }

    /** What a file that failed to parse looks like, for the message; null where it looks like nothing in particular. */
    static String sniff(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining();
        int first = n > 0 ? b.get(b.position()) & 0xff : -1;
        if (n >= 9 && b.get(b.position() + 8) == '{' && b.getLong(b.position()) > 0 && b.getLong(b.position()) < n) {
            return "a safetensors file";
        }
        if (first == '{' || first == '[') {
            return "JSON";
        }
        if (n >= 2 && first == 'P' && b.get(b.position() + 1) == 'K') {
            return "a zip archive (a PyTorch .bin or .pt checkpoint?)";
        }
        if (n >= 2 && first == 0x1f && (b.get(b.position() + 1) & 0xff) == 0x8b) {
            return "a gzip file: decompress it first";
        }
        if (n >= 4 && first == 0x89 && b.get(b.position() + 1) == 'H' && b.get(b.position() + 2) == 'D') {
            return "an HDF5 file (a Keras .h5 model?)";
        }
        return null;
    }

    private static OnnxModel readModel(ByteBuffer bytes) {
        ProtoReader r = new ProtoReader(bytes, 0, "ModelProto");
        long irVersion = -1;
        String producerName = "";
        String producerVersion = "";
        long opset = -1;
        OnnxGraph graph = null;
        while (r.hasMore()) {
            int field = r.readField();
            switch (field) {
                case MODEL_IR_VERSION -> {
                    r.expect(ProtoReader.VARINT);
                    irVersion = r.readVarint();
                }
                case MODEL_PRODUCER_NAME -> producerName = string(r);
                case MODEL_PRODUCER_VERSION -> producerVersion = string(r);
                case MODEL_GRAPH -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    graph = readGraph(r.readMessage("ModelProto.graph"));
                }
                case MODEL_OPSET_IMPORT -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    long v = readDefaultOpset(r.readMessage("ModelProto.opset_import"));
                    if (v >= 0) {
                        opset = v;
                    }
                }
                default -> r.skip();
            }
        }
        if (irVersion < 1 || irVersion > 1000) {
            throw new OnnxFormatException("not an ONNX model: " + (irVersion < 0 ? "no ir_version (field 1)"
                    : "ir_version " + irVersion + " is implausible"));
        }
        if (graph == null) {
            throw new OnnxFormatException("not an ONNX model: no graph (ModelProto field 7)");
        }
        return new OnnxModel(irVersion, producerName, producerVersion, opset, graph);
    }

    private static long readDefaultOpset(ProtoReader r) {
        String domain = "";
        long version = -1;
        while (r.hasMore()) {
            switch (r.readField()) {
                case OPSET_DOMAIN -> domain = string(r);
                case OPSET_VERSION -> {
                    r.expect(ProtoReader.VARINT);
                    version = r.readVarint();
                }
                default -> r.skip();
            }
        }
        return domain.isEmpty() || domain.equals("ai.onnx") ? version : -1;
    }

    private static OnnxGraph readGraph(ProtoReader r) {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (r.hasMore()) {
            int field = r.readField();
            switch (field) {
                case GRAPH_NODE -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    nodes.add(readNode(r.readMessage("graph.node[" + nodes.size() + "]")));
                }
                case GRAPH_INITIALIZER -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    OnnxTensor t = readTensor(r.readMessage("graph.initializer[" + initializers.size() + "]"));
                    if (initializers.putIfAbsent(t.name(), t) != null) {
                        throw new OnnxFormatException("two initializers are named '" + t.name() + "'");
                    }
                }
                case GRAPH_INPUT -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    inputs.add(readValueInfoName(r.readMessage("graph.input")));
                }
                case GRAPH_OUTPUT -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    outputs.add(readValueInfoName(r.readMessage("graph.output")));
                }
                case GRAPH_SPARSE_INITIALIZER -> throw new OnnxFormatException(
                        "the graph has sparse initializers, which the importer does not read");
                default -> r.skip();
            }
        }
        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private static String readValueInfoName(ProtoReader r) {
        String name = "";
        while (r.hasMore()) {
            if (r.readField() == VALUE_INFO_NAME) {
                name = string(r);
            } else {
                r.skip();
            }
        }
        return name;
    }

    private static OnnxNode readNode(ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        while (r.hasMore()) {
            switch (r.readField()) {
                case NODE_INPUT -> inputs.add(string(r));
                case NODE_OUTPUT -> outputs.add(string(r));
                case NODE_NAME -> name = string(r);
                case NODE_OP_TYPE -> opType = string(r);
                case NODE_DOMAIN -> domain = string(r);
                case NODE_ATTRIBUTE -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    OnnxAttribute a = readAttribute(r.readMessage("attribute of node '" + name + "'"));
                    attributes.put(a.name(), a);
                }
                default -> r.skip();
            }
        }
        if (opType.isEmpty()) {
            throw new OnnxFormatException("a node" + (name.isEmpty() ? "" : " ('" + name + "')") + " has no op_type");
        }
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute readAttribute(ProtoReader r) {
        String name = "";
        Float f = null;
        Long i = null;
        String s = null;
        OnnxTensor t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        while (r.hasMore()) {
            switch (r.readField()) {
                case ATTR_NAME -> name = string(r);
                case ATTR_F -> {
                    r.expect(ProtoReader.FIXED32);
                    f = Float.intBitsToFloat(r.readFixed32());
                }
                case ATTR_I -> {
                    r.expect(ProtoReader.VARINT);
                    i = r.readVarint();
                }
                case ATTR_S -> s = string(r);
                case ATTR_T -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    t = readTensor(r.readMessage("attribute '" + name + "'"));
                }
                case ATTR_FLOATS -> r.readFloats(v -> floats.add((float) v));
                case ATTR_INTS -> r.readInts(ints::add);
                default -> r.skip();
            }
        }
        return new OnnxAttribute(name, f, i, s, t, List.copyOf(floats), List.copyOf(ints));
    }

    private static OnnxTensor readTensor(ProtoReader r) {
        String name = "";
        long dataType = 0;
        List<Long> dims = new ArrayList<>();
        ByteBuffer raw = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<Double> doubles = new ArrayList<>();
        boolean external = false;
        String location = null;
        while (r.hasMore()) {
            int field = r.readField();
            switch (field) {
                case TENSOR_DIMS -> r.readInts(dims::add);
                case TENSOR_DATA_TYPE -> {
                    r.expect(ProtoReader.VARINT);
                    dataType = r.readVarint();
                }
                case TENSOR_SEGMENT -> throw new OnnxFormatException("tensor '" + name
                        + "' is stored in segments, which the importer does not read");
                case TENSOR_FLOAT_DATA -> r.readFloats(v -> floats.add((float) v));
                case TENSOR_INT32_DATA -> r.readInts(v -> ints.add((int) v));
                case TENSOR_INT64_DATA, TENSOR_UINT64_DATA -> r.readInts(ints::add);
                case TENSOR_DOUBLE_DATA -> r.readDoubles(doubles::add);
                case TENSOR_NAME -> name = string(r);
                case TENSOR_RAW_DATA -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    raw = r.readBytes();
                }
                case TENSOR_EXTERNAL_DATA -> {
                    r.expect(ProtoReader.LENGTH_DELIMITED);
                    String[] entry = readEntry(r.readMessage("external_data of tensor '" + name + "'"));
                    if (entry[0].equals("location")) {
                        location = entry[1];
                    }
                }
                case TENSOR_DATA_LOCATION -> {
                    r.expect(ProtoReader.VARINT);
                    external = r.readVarint() == DATA_LOCATION_EXTERNAL;
                }
                default -> r.skip();
            }
        }
        long[] dimArray = dims.stream().mapToLong(Long::longValue).toArray();
        double[] doubleArray = doubles.stream().mapToDouble(Double::doubleValue).toArray();
        return new OnnxTensor(name, dataType, dimArray, raw, floats.toArray(), ints.toArray(), doubleArray,
                external ? (location == null ? "?" : location) : null);
    }

    private static String[] readEntry(ProtoReader r) {
        String key = "";
        String value = "";
        while (r.hasMore()) {
            switch (r.readField()) {
                case ENTRY_KEY -> key = string(r);
                case ENTRY_VALUE -> value = string(r);
                default -> r.skip();
            }
        }
        return new String[] {key, value};
    }

    private static String string(ProtoReader r) {
        r.expect(ProtoReader.LENGTH_DELIMITED);
        return r.readString();
    }

    /** A growable float array: packed float_data may hold millions of values. */
    private static final class FloatList {
        private float[] a = new float[0];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(16, n * 2));
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private static final class LongList {
        private long[] a = new long[0];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(16, n * 2));
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
