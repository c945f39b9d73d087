package dev.jbert.tokenizer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading the tokenizer's JSON files with errors that name the file, the field, what was expected
 * and what was found; writing them as Python's {@code json.dumps(indent=2, sort_keys=True,
 * ensure_ascii=False)} does (the caller orders the keys).
 */
final class JsonFiles {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final DefaultPrettyPrinter PYTHON_STYLE = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));

    private JsonFiles() {
    }

    static JsonNode read(Path file) {
        try {
            JsonNode node = MAPPER.readTree(Files.readString(file));
            if (node == null || node.isMissingNode()) {
                throw new TokenizerException(file + ": empty file, expected a JSON object");
            }
            if (!node.isObject()) {
                throw new TokenizerException(file + ": expected a JSON object, found " + kind(node));
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new TokenizerException(file + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(file + ": no such file", e);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writer(PYTHON_STYLE).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How a value looks, for messages: {@code a string "x"}, {@code a number 3}, {@code null}. */
    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string " + node;
        }
        if (node.isNumber()) {
            return "a number " + node;
        }
        if (node.isBoolean()) {
            return node.toString();
        }
        if (node.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** An optional boolean field; {@code fallback} when absent or null. */
    static boolean bool(JsonNode parent, String field, Path file, String path, boolean fallback) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new TokenizerException(file + ": field '" + path + field + "': expected true or false, found "
                    + kind(v));
        }
        return v.booleanValue();
    }

    /** An optional boolean that may be null: {@code strip_accents}. */
    static Boolean nullableBool(JsonNode parent, String field, Path file, String path, Boolean fallback) {
        if (!parent.has(field)) {
            return fallback;
        }
        JsonNode v = parent.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new TokenizerException(file + ": field '" + path + field + "': expected true, false or null, found "
                    + kind(v));
        }
        return v.booleanValue();
    }

    /** A required string field. */
    static String string(JsonNode parent, String field, Path file, String path) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual()) {
            throw new TokenizerException(file + ": field '" + path + field + "': expected a string, found " + kind(v));
        }
        return v.textValue();
    }

    /** A token given as a string or as an AddedToken object {@code {"content": ...}}; null when null. */
    static String token(JsonNode v, Path file, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isObject() && v.path("content").isTextual()) {
            return v.get("content").textValue();
        }
        throw new TokenizerException(file + ": field '" + field + "': expected a token (a string or an object with "
                + "\"content\"), found " + kind(v));
    }
}
