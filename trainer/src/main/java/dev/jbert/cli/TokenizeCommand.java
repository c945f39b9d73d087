package dev.jbert.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.EncodeOptions;
import dev.jbert.tokenizer.Encoding;
import dev.jbert.tokenizer.TokenizerException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jbert tokenize}: JSON lines {@code {"text": ..., "text_pair": ...}} on stdin (the pair is
 * optional, other fields are ignored, blank lines are skipped), one JSON line per input on stdout:
 * {@code {"tokens", "input_ids", "token_type_ids", "attention_mask", "offsets"}}. Offsets are
 * UTF-16 {@code [start, end)} into the input's own string ({@code text} or {@code text_pair});
 * added special tokens and padding have {@code [0, 0]}.
 *
 * <p>Input is read and encoded in batches of {@value #BATCH} lines, so {@code --padding longest}
 * pads to the longest encoding of each batch of 64 (the last batch may be shorter). A malformed line
 * stops the command with {@code stdin line N: ...} (exit status 2) after the lines before it have
 * been written and flushed.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize JSON lines {\"text\": ..., \"text_pair\": ...} from stdin with a BERT WordPiece "
                + "tokenizer; write one JSON line per input to stdout.",
            "Lines are processed in batches of 64: --padding longest pads within each batch."})
public final class TokenizeCommand implements Callable<Integer> {
    /** Lines per batch: the unit of {@code --padding longest} and of parallel encoding. */
    public static final int BATCH = 64;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
            description = "A model folder (vocab.txt [+ tokenizer_config.json], or tokenizer.json), a tokenizer.json "
                    + "or a vocab.txt.")
    Path tokenizerPath;

    @Option(names = "--lowercase", paramLabel = "true|false", arity = "1",
            description = "Lower-case and strip accents. Default: what the folder's files say; true for a bare vocab.txt.")
    Boolean lowercase;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "0",
            description = "Truncate to / pad to N tokens; 0 (default) = no limit.")
    int maxLength;

    @Option(names = "--truncation", paramLabel = "STRATEGY", defaultValue = "longest_first",
            description = "longest_first (default), only_first, only_second or none. only_second leaves a pair whose "
                    + "first text alone is too long untruncated, as Hugging Face's slow tokenizer does.")
    String truncation;

    @Option(names = "--padding", paramLabel = "STRATEGY", defaultValue = "none",
            description = "none (default), longest (within each batch of 64 lines) or max_length.")
    String padding;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Integer call() throws IOException {
        EncodeOptions options = new EncodeOptions(maxLength, EncodeOptions.Truncation.parse(truncation),
                EncodeOptions.Padding.parse(padding), true);
        BertTokenizer tokenizer;
        try {
            tokenizer = BertTokenizer.fromPath(tokenizerPath);
            if (lowercase != null) {
                tokenizer = tokenizer.withLowercase(lowercase);
            }
        } catch (TokenizerException e) {
            throw new UserException(e.getMessage(), e);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        JsonGenerator json = new JsonFactory().createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null);
        List<String> texts = new ArrayList<>(BATCH);
        List<String> pairs = new ArrayList<>(BATCH);
        long lineNumber = 0;
        long written = 0;
        try {
            while (true) {
                String line;
                try {
                    line = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new UserException("stdin line " + (lineNumber + 1) + ": not valid UTF-8", e);
                }
                if (line == null) {
                    break;
                }
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    parse(line, lineNumber, texts, pairs);
                } catch (UserException e) {
                    written += flush(tokenizer, texts, pairs, options, json, out);
                    throw e;
                }
                if (texts.size() == BATCH) {
                    written += flush(tokenizer, texts, pairs, options, json, out);
                }
            }
            written += flush(tokenizer, texts, pairs, options, json, out);
        } finally {
            json.flush();
            out.flush();
        }
        System.err.println("jbert tokenize: " + written + " lines tokenized with " + tokenizer);
        return 0;
    }

    /** Appends the line's text and pair (null when absent) or throws {@code stdin line N: ...}. */
    private static void parse(String line, long lineNumber, List<String> texts, List<String> pairs) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserException("stdin line " + lineNumber + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new UserException("stdin line " + lineNumber + ": expected a JSON object {\"text\": ...}, found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            throw new UserException("stdin line " + lineNumber + ": field 'text': expected a string, found "
                    + (text == null ? "no such field" : text.toString()));
        }
        JsonNode pair = node.get("text_pair");
        if (pair != null && !pair.isNull() && !pair.isTextual()) {
            throw new UserException("stdin line " + lineNumber + ": field 'text_pair': expected a string or null, found "
                    + pair);
        }
        texts.add(text.textValue());
        pairs.add(pair == null || pair.isNull() ? null : pair.textValue());
    }

    /** Encodes and writes the pending lines, then clears them; returns how many were written. */
    private static int flush(BertTokenizer tokenizer, List<String> texts, List<String> pairs, EncodeOptions options,
                             JsonGenerator json, Writer out) throws IOException {
        if (texts.isEmpty()) {
            return 0;
        }
        List<Encoding> encodings = tokenizer.encodeBatch(texts, pairs, options);
        for (Encoding e : encodings) {
            write(e, json);
            json.flush();
            out.write('\n');
        }
        int n = texts.size();
        texts.clear();
        pairs.clear();
        json.flush();
        out.flush();
        return n;
    }

    private static void write(Encoding e, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("tokens");
        for (String t : e.tokens()) {
            json.writeString(t);
        }
        json.writeEndArray();
        writeInts(json, "input_ids", e.inputIds());
        writeInts(json, "token_type_ids", e.tokenTypeIds());
        writeInts(json, "attention_mask", e.attentionMask());
        json.writeArrayFieldStart("offsets");
        for (int[] o : e.offsets()) {
            json.writeArray(o, 0, 2);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeInts(JsonGenerator json, String field, int[] values) throws IOException {
        json.writeFieldName(field);
        json.writeArray(values, 0, values.length);
    }
}
