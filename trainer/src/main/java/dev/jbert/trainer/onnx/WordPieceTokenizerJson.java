package dev.jbert.trainer.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.cli.UserException;
import dev.jbert.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} whose model is WordPiece, seen as the files a slow
 * {@code BertTokenizer} reads: {@code vocab.txt} (the model vocabulary in id order, one token a
 * line), {@code tokenizer_config.json} (lower-casing, accent stripping and Chinese-character
 * handling from the BertNormalizer) and {@code special_tokens_map.json} (the tokens the post
 * processor, the padding and the vocabulary name).
 */
public final class WordPieceTokenizerJson {
    private final String label;
    private final String[] vocab;
    private final Set<String> known = new LinkedHashSet<>();
    private final JsonNode root;
    private final JsonNode bertNormalizer;

    private WordPieceTokenizerJson(String label, JsonNode root, String[] vocab, JsonNode bertNormalizer) {
        this.label = label;
        this.root = root;
        this.vocab = vocab;
        this.bertNormalizer = bertNormalizer;
        known.addAll(Arrays.asList(vocab));
        for (JsonNode added : root.path("added_tokens")) {
            known.add(added.path("content").asText());
        }
    }

    /** Parses and checks a tokenizer.json; {@code label} names it in messages. */
    public static WordPieceTokenizerJson parse(byte[] json, String label) {
        JsonNode root;
        try {
            root = HfJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UserException(label + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UserException(label + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException(label + ": expected a tokenizer.json object");
        }
        JsonNode model = root.path("model");
        String type = model.path("type").asText("WordPiece");
        if (!type.equals("WordPiece")) {
            throw new UserException(label + ": model.type is '" + type + "'; only WordPiece (BERT) tokenizers"
                    + " have a vocab.txt");
        }
        JsonNode vocabNode = model.path("vocab");
        if (!vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new UserException(label + ": model.vocab is missing or empty; expected {token: id, ...}");
        }
        String[] vocab = new String[vocabNode.size()];
        for (Map.Entry<String, JsonNode> e : vocabNode.properties()) {
            JsonNode id = e.getValue();
            if (!id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= vocab.length) {
                throw new UserException(label + ": model.vocab gives '" + e.getKey() + "' the id " + id
                        + "; expected ids 0.." + (vocab.length - 1));
            }
            if (vocab[id.asInt()] != null) {
                throw new UserException(label + ": model.vocab gives id " + id + " to both '" + vocab[id.asInt()]
                        + "' and '" + e.getKey() + "'");
            }
            if (e.getKey().indexOf('\n') >= 0 || e.getKey().indexOf('\r') >= 0) {
                throw new UserException(label + ": token " + id + " contains a line break, which vocab.txt cannot hold");
            }
            vocab[id.asInt()] = e.getKey();
        }
        return new WordPieceTokenizerJson(label, root, vocab, findBertNormalizer(root.path("normalizer")));
    }

    private static JsonNode findBertNormalizer(JsonNode normalizer) {
        if ("BertNormalizer".equals(normalizer.path("type").asText())) {
            return normalizer;
        }
        for (JsonNode n : normalizer.path("normalizers")) {
            JsonNode found = findBertNormalizer(n);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The model vocabulary in id order. */
    public String[] vocab() {
        return vocab.clone();
    }

    public boolean lowercase() {
        if (bertNormalizer != null) {
            return bertNormalizer.path("lowercase").asBoolean(true);
        }
        return containsType(root.path("normalizer"), "Lowercase");
    }

    public String unkToken() {
        return root.path("model").path("unk_token").asText("[UNK]");
    }

    /** The first special token of the single-sequence template (BERT: [CLS]), or null. */
    public String clsToken() {
        JsonNode post = root.path("post_processor");
        if (post.has("cls")) {
            return post.path("cls").path(0).asText(null);
        }
        JsonNode single = post.path("single");
        if (single.isArray() && !single.isEmpty()) {
            JsonNode special = single.get(0).path("SpecialToken");
            if (special.has("id")) {
                return special.path("id").asText();
            }
        }
        return known.contains("[CLS]") ? "[CLS]" : null;
    }

    /** The last special token of the single-sequence template (BERT: [SEP]), or null. */
    public String sepToken() {
        JsonNode post = root.path("post_processor");
        if (post.has("sep")) {
            return post.path("sep").path(0).asText(null);
        }
        JsonNode single = post.path("single");
        if (single.isArray() && !single.isEmpty()) {
            JsonNode special = single.get(single.size() - 1).path("SpecialToken");
            if (special.has("id")) {
                return special.path("id").asText();
            }
        }
        return known.contains("[SEP]") ? "[SEP]" : null;
    }

    public String padToken() {
        String pad = root.path("padding").path("pad_token").asText(null);
        return pad != null ? pad : known.contains("[PAD]") ? "[PAD]" : null;
    }

    public String maskToken() {
        return known.contains("[MASK]") ? "[MASK]" : null;
    }

    /** The id of the padding token (the padding's pad_id, else the vocabulary's), 0 where there is none. */
    public int padTokenId() {
        JsonNode padId = root.path("padding").path("pad_id");
        if (padId.canConvertToInt()) {
            return padId.asInt();
        }
        String pad = padToken();
        for (int i = 0; pad != null && i < vocab.length; i++) {
            if (vocab[i].equals(pad)) {
                return i;
            }
        }
        return 0;
    }

    /** One token a line, in id order, each line ending in a newline (as BertTokenizer.save_vocabulary writes it). */
    public void writeVocab(Path file) throws IOException {
        AtomicFiles.write(file, (OutputStream out) -> {
            for (String token : vocab) {
                out.write(token.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        });
    }

    /** {@code tokenizer_config.json} for a BertTokenizer; {@code modelMaxLength} may be null. */
    public ObjectNode tokenizerConfig(Integer modelMaxLength) {
        ObjectNode c = HfJson.MAPPER.createObjectNode();
        c.put("tokenizer_class", "BertTokenizer");
        c.put("do_lower_case", lowercase());
        c.put("do_basic_tokenize", true);
        c.put("tokenize_chinese_chars", bertNormalizer == null || bertNormalizer.path("handle_chinese_chars").asBoolean(true));
        JsonNode strip = bertNormalizer == null ? null : bertNormalizer.get("strip_accents");
        if (strip == null || strip.isNull()) {
            c.putNull("strip_accents");
        } else {
            c.put("strip_accents", strip.asBoolean());
        }
        putSpecialTokens(c);
        if (modelMaxLength != null) {
            c.put("model_max_length", modelMaxLength);
        }
        c.put("clean_up_tokenization_spaces", root.path("decoder").path("cleanup").asBoolean(true));
        return c;
    }

    /** {@code special_tokens_map.json}. */
    public ObjectNode specialTokensMap() {
        ObjectNode c = HfJson.MAPPER.createObjectNode();
        putSpecialTokens(c);
        return c;
    }

    private void putSpecialTokens(ObjectNode c) {
        putIfKnown(c, "unk_token", unkToken());
        putIfKnown(c, "sep_token", sepToken());
        putIfKnown(c, "pad_token", padToken());
        putIfKnown(c, "cls_token", clsToken());
        putIfKnown(c, "mask_token", maskToken());
    }

    private void putIfKnown(ObjectNode c, String key, String token) {
        if (token != null && known.contains(token)) {
            c.put(key, token);
        }
    }

    private static boolean containsType(JsonNode normalizer, String type) {
        if (type.equals(normalizer.path("type").asText())) {
            return true;
        }
        for (JsonNode n : normalizer.path("normalizers")) {
            if (containsType(n, type)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "WordPieceTokenizerJson[" + label + ", " + vocab.length + " tokens]";
    }
}
