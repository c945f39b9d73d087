package dev.jbert.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Typed reads of {@code config.json} fields, each failing with a message that names the file,
 * the field, what was expected and what was found. An absent field and a JSON {@code null}
 * both count as "not given" where a default exists, as in Python.
 */
final class ConfigFields {
    private final String file;
    private final ObjectNode json;

    ConfigFields(String file, ObjectNode json) {
        this.file = file;
        this.json = json;
    }

    ConfigException error(String message) {
        return new ConfigException(file + ": " + message);
    }

    boolean has(String key) {
        JsonNode v = json.get(key);
        return v != null && !v.isNull();
    }

    JsonNode get(String key) {
        JsonNode v = json.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** A required integer; {@code alias} (may be null) is another name Hugging Face accepts. */
    int requiredInt(String key, String alias, String what) {
        Integer v = intOrNull(key, alias);
        if (v == null) {
            throw error("missing field '" + key + "' (" + what + ")");
        }
        return v;
    }

    int optionalInt(String key, String alias, int fallback) {
        Integer v = intOrNull(key, alias);
        return v == null ? fallback : v;
    }

    /** An integer or null when absent/null. Both names given with different values is an error. */
    Integer intOrNull(String key, String alias) {
        Integer a = readInt(key);
        Integer b = alias == null ? null : readInt(alias);
        if (a != null && b != null && !a.equals(b)) {
            throw error("'" + key + "' is " + a + " but its alias '" + alias + "' is " + b + "; expected one value");
        }
        return a != null ? a : b;
    }

    private Integer readInt(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw error(key + " is " + describe(v) + ", expected an integer");
        }
        if (!v.canConvertToInt()) {
            throw error(key + " is " + v + ", expected an integer below 2^31");
        }
        return v.intValue();
    }

    double optionalDouble(String key, double fallback) {
        Double v = doubleOrNull(key);
        return v == null ? fallback : v;
    }

    Double doubleOrNull(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw error(key + " is " + describe(v) + ", expected a number");
        }
        return v.doubleValue();
    }

    boolean optionalBoolean(String key, boolean fallback) {
        JsonNode v = get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw error(key + " is " + describe(v) + ", expected true or false");
        }
        return v.booleanValue();
    }

    String stringOrNull(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw error(key + " is " + describe(v) + ", expected a string");
        }
        return v.textValue();
    }

    /** "a string (\"768\")", "an array", ... for messages. */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string (\"" + v.textValue() + "\")";
            case NUMBER -> "a number (" + v + ")";
            case BOOLEAN -> "a boolean (" + v.booleanValue() + ")";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }
}
