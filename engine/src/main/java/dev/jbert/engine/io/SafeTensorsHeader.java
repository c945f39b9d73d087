package dev.jbert.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The parsed and validated JSON header of a safetensors file: every tensor's dtype, shape and
 * byte range, and the {@code __metadata__} string map.
 *
 * <p>Validation follows the Rust {@code safetensors} reader, so a file accepted here loads in
 * Python too: the header is UTF-8 JSON starting with <code>{</code> (trailing spaces allowed);
 * each byte range is exactly dtype size × elements long; sorted by offset, the ranges tile the
 * data section from 0 to its end with no overlap and no gap. Unknown fields inside a tensor
 * entry are ignored, as Rust does; duplicate keys are refused.
 */
final class SafeTensorsHeader {
    /** The Rust reader's limit on the header length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final SortedMap<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsHeader(SortedMap<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableSortedMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    SortedMap<String, TensorInfo> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Parses and validates a header.
     *
     * @param file       the file's name for messages
     * @param header     the header bytes (after the 8-byte length)
     * @param dataLength bytes after the header: the data section the offsets point into
     */
    static SafeTensorsHeader parse(String file, byte[] header, long dataLength) {
        String text = decodeUtf8(file, header);
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw new CheckpointException(file + ": header must be a JSON object starting with '{', found "
                    + (text.isEmpty() ? "an empty header" : "'" + preview(text) + "'"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (at character " + at.getCharOffset() + ")";
            throw new CheckpointException(file + ": header is not valid JSON: " + e.getOriginalMessage() + where, e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + ": header is " + describe(root) + ", expected a JSON object");
        }
        SortedMap<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(METADATA_KEY)) {
                readMetadata(file, value, metadata);
            } else {
                tensors.put(name, readEntry(file, name, value, dataLength));
            }
        }
        checkTiling(file, tensors, dataLength);
        return new SafeTensorsHeader(tensors, metadata);
    }

    private static String decodeUtf8(String file, byte[] header) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + ": header is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
    }

    private static void readMetadata(String file, JsonNode value, Map<String, String> out) {
        if (!value.isObject()) {
            throw new CheckpointException(file + ": " + METADATA_KEY + " is " + describe(value)
                    + ", expected an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(file + ": " + METADATA_KEY + " field '" + e.getKey() + "' is "
                        + describe(e.getValue()) + ", expected a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(String file, String name, JsonNode entry, long dataLength) {
        String where = file + ": tensor '" + name + "': ";
        if (!entry.isObject()) {
            throw new CheckpointException(where + "entry is " + describe(entry)
                    + ", expected an object with dtype, shape and data_offsets");
        }
        DType dtype = readDType(where, required(where, entry, "dtype"));
        int[] shape = readShape(where, required(where, entry, "shape"));
        long[] offsets = readOffsets(where, required(where, entry, "data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) {
            throw new CheckpointException(where + range + " end before they begin");
        }
        if (end > dataLength) {
            throw new CheckpointException(where + range + " run past the end of the data section ("
                    + dataLength + " bytes)");
        }
        long expected = byteLength(where, dtype, shape);
        if (end - begin != expected) {
            throw new CheckpointException(where + range + " span " + (end - begin) + " bytes, but " + dtype
                    + " of shape " + java.util.Arrays.toString(shape) + " needs " + expected + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode required(String where, JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null) {
            throw new CheckpointException(where + "missing field '" + field + "'");
        }
        return v;
    }

    private static DType readDType(String where, JsonNode v) {
        if (!v.isTextual()) {
            throw new CheckpointException(where + "dtype is " + describe(v) + ", expected a string such as \"F32\"");
        }
        DType t = DType.fromName(v.textValue());
        if (t == null) {
            throw new CheckpointException(where + "dtype '" + preview(v.textValue()) + "' is not supported (expected one of "
                    + DType.knownNames() + ")");
        }
        return t;
    }

    private static int[] readShape(String where, JsonNode v) {
        if (!v.isArray()) {
            throw new CheckpointException(where + "shape is " + describe(v) + ", expected an array of non-negative integers");
        }
        int[] shape = new int[v.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = v.get(i);
            if (!d.isIntegralNumber()) {
                throw new CheckpointException(where + "shape " + preview(v.toString()) + ": dimension " + i + " is "
                        + describe(d) + ", expected a non-negative integer");
            }
            if (d.canConvertToLong() && d.longValue() < 0 || !d.canConvertToLong() && d.bigIntegerValue().signum() < 0) {
                throw new CheckpointException(where + "shape " + preview(v.toString()) + " has a negative dimension");
            }
            if (!d.canConvertToInt()) {
                throw new CheckpointException(where + "shape " + preview(v.toString()) + ": dimension " + i
                        + " exceeds " + Integer.MAX_VALUE + " (not supported)");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] readOffsets(String where, JsonNode v) {
        if (!v.isArray() || v.size() != 2) {
            throw new CheckpointException(where + "data_offsets is " + preview(v.toString())
                    + ", expected [begin, end]");
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode d = v.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new CheckpointException(where + "data_offsets " + preview(v.toString())
                        + ": expected two non-negative integers");
            }
            out[i] = d.longValue();
        }
        return out;
    }

    private static long byteLength(String where, DType dtype, int[] shape) {
        try {
            long n = dtype.byteSize();
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + dtype + " of shape " + java.util.Arrays.toString(shape)
                    + " needs more than 2^63 bytes");
        }
    }

    /** Sorted by offset, the tensors must cover [0, dataLength) exactly once. */
    private static void checkTiling(String file, SortedMap<String, TensorInfo> tensors, long dataLength) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long pos = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < pos) {
                throw new CheckpointException(file + ": tensor '" + t.name() + "': data_offsets [" + t.begin() + ", "
                        + t.end() + "] overlap tensor '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (t.begin() > pos) {
                throw new CheckpointException(file + ": bytes [" + pos + ", " + t.begin()
                        + ") of the data section belong to no tensor (a gap before tensor '" + t.name()
                        + "'); expected tensors to follow each other without gaps");
            }
            pos = t.end();
            previous = t;
        }
        if (pos != dataLength) {
            throw new CheckpointException(file + ": the data section is " + dataLength + " bytes but the tensors cover "
                    + pos + "; expected the file to end where the last tensor ends");
        }
    }

    /** "a string", "an array", ... for messages. */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string (\"" + preview(v.textValue()) + "\")";
            case NUMBER -> "a number (" + preview(v.toString()) + ")";
            case BOOLEAN -> "a boolean (" + v.booleanValue() + ")";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** At most 60 characters of a value, for messages. */
    static String preview(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
