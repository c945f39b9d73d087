package dev.jbert.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.Encoding;
import dev.jbert.tokenizer.TokenizerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-thread encoding ({@code [CLS] text [SEP]}: tokens, ids, type ids, mask, offsets; no
 * truncation, no padding) of 20,000 generated English-like sentences of 5–120 words: jbert's
 * {@link BertTokenizer} against Hugging Face's Rust tokenizer through DJL.
 *
 * <p>Both use the same vocabulary: bert-base-uncased's from {@code ../shared} (or
 * {@code -Djbert.shared.dir}) when present, otherwise one built here from the generator's words.
 * DJL reads a {@code tokenizer.json} that this benchmark writes from that vocabulary (BertNormalizer,
 * BertPreTokenizer, WordPiece, [CLS]/[SEP] template, no truncation, no padding), so it runs offline.
 *
 * <p>Scores are strings per second ({@code @OperationsPerInvocation(20000)}). MB/s = strings/s ×
 * the bytes per sentence printed at set-up / 10⁶. Set-up also prints how many sentences the two
 * tokenizers encode to different ids (expected 0 on this ASCII corpus).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TokenizerBenchmark.SENTENCES)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class TokenizerBenchmark {
    static final int SENTENCES = 20_000;

    private List<String> corpus;
    private BertTokenizer jbert;
    private HuggingFaceTokenizer rust;
    private Path tmp;
    private String vocabSource = "";

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        corpus = EnglishCorpus.generate(SENTENCES, 20240611L);
        long bytes = 0;
        long words = 0;
        for (String s : corpus) {
            bytes += s.getBytes(StandardCharsets.UTF_8).length;
            words += s.split(" ").length;
        }
        List<String> vocab = vocabulary();
        jbert = BertTokenizer.fromVocab(vocab, TokenizerOptions.defaults(true));
        tmp = Files.createTempDirectory("jbert-tokenizer-bench");
        Path json = tmp.resolve("tokenizer.json");
        Files.writeString(json, tokenizerJson(vocab));
        rust = HuggingFaceTokenizer.newInstance(json, Map.of("truncation", "false", "padding", "false",
                "addSpecialTokens", "true"));
        int differ = 0;
        long tokens = 0;
        for (String s : corpus) {
            Encoding e = jbert.encode(s);
            tokens += e.length();
            if (!Arrays.equals(e.inputIds(), Arrays.stream(rust.encode(s).getIds()).mapToInt(Math::toIntExact).toArray())) {
                differ++;
            }
        }
        System.out.printf("%ncorpus: %d sentences, %d words, %.2f MB UTF-8 (%.1f bytes/sentence), %d tokens; "
                        + "vocabulary %d (%s); jbert vs Rust: %d sentences with different ids%n",
                SENTENCES, words, bytes / 1e6, bytes / (double) SENTENCES, tokens, vocab.size(), vocabSource, differ);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        rust.close();
        try (var files = Files.list(tmp)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(tmp);
    }

    @Benchmark
    public void jbert(Blackhole bh) {
        for (String s : corpus) {
            bh.consume(jbert.encode(s));
        }
    }

    @Benchmark
    public void huggingFaceRust(Blackhole bh) {
        for (String s : corpus) {
            bh.consume(rust.encode(s));
        }
    }

    /** bert-base-uncased's vocabulary from ../shared, else one made from the corpus words. */
    private List<String> vocabulary() throws IOException {
        String shared = System.getProperty("jbert.shared.dir", "../shared");
        for (Path p : List.of(Path.of(shared, "models", "all-MiniLM-L6-v2", "vocab.txt"),
                Path.of(shared, "golden", "tokenizer", "vocab.txt"))) {
            if (Files.isRegularFile(p)) {
                vocabSource = p.toString();
                return Files.readAllLines(p, StandardCharsets.UTF_8);
            }
        }
        vocabSource = "generated: " + shared + " not found";
        return EnglishCorpus.vocabulary();
    }

    /** A BERT {@code tokenizer.json} for the vocabulary: what HF writes for bert-base-uncased, without truncation or padding. */
    static String tokenizerJson(List<String> vocab) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.indexOf(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", true);
        normalizer.put("handle_chinese_chars", true);
        normalizer.putNull("strip_accents");
        normalizer.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "BertProcessing");
        post.putArray("sep").add("[SEP]").add(vocab.indexOf("[SEP]"));
        post.putArray("cls").add("[CLS]").add(vocab.indexOf("[CLS]"));
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "WordPiece");
        decoder.put("prefix", "##");
        decoder.put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", "[UNK]");
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        return m.writeValueAsString(root);
    }

    /** Seeded English-like sentences: frequent words, capitals, names, punctuation, numbers. */
    static final class EnglishCorpus {
        private static final String[] WORDS = ("the of and to a in is it you that he was for on are with as I his they be "
                + "at one have this from or had by hot word but what some we can out other were all there when up use "
                + "your how said an each she which do their time if will way about many then them write would like so "
                + "these her long make thing see him two has look more day could go come did number sound no most people "
                + "my over know water than call first who may down side been now find any new work part take get place "
                + "made live where after back little only round man year came show every good me give our under name very "
                + "through just form sentence great think say help low line differ turn cause much mean before move right "
                + "boy old too same tell does set three want air well also play small end put home read hand port large "
                + "spell add even land here must big high such follow act why ask men change went light kind off need "
                + "house picture try us again animal point mother world near build self earth father head stand own page "
                + "should country found answer school grow study still learn plant cover food sun four between state keep "
                + "eye never last let thought city tree cross farm hard start might story saw far sea draw left late run "
                + "while press close night real life few north open seem together next white children begin got walk "
                + "example ease paper group always music those both mark often letter until mile river car feet care "
                + "second book carry took science eat room friend began idea fish mountain stop once base hear horse cut "
                + "sure watch color face wood main enough plain girl usual young ready above ever red list though feel "
                + "talk bird soon body dog family direct pose leave song measure door product black short numeral class "
                + "wind question happen complete ship area half rock order fire south problem piece told knew pass since "
                + "top whole king space heard best hour better true during hundred five remember step early hold west "
                + "ground interest reach fast verb sing listen six table travel less morning ten simple several vowel "
                + "toward war lay against pattern slow center love person money serve appear road map rain rule govern "
                + "pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan "
                + "figure star box noun field rest correct able pound done beauty drive stood contain front teach week "
                + "final gave green oh quick develop ocean warm free minute strong special mind behind clear tail produce "
                + "fact street inch multiply nothing course stay wheel full force blue object decide surface deep moon "
                + "island foot system busy test record boat common gold possible plane stead dry wonder laugh thousand ago "
                + "ran check game shape equate miss brought heat snow tire bring yes distant fill east paint language "
                + "among tokenization transformer unbelievable internationalization preprocessing embeddings "
                + "classification misunderstanding photosynthesis responsibilities infrastructure").split(" ");
        private static final String[] NAMES = {"Alice", "Bob", "London", "Paris", "Microsoft", "Berlin", "Tokyo",
            "Amazon", "Shakespeare", "Einstein", "McDonald", "O'Brien", "NASA", "GitHub", "JavaScript", "Wikipedia"};
        private static final String[] CONTRACTIONS = {"don't", "isn't", "we're", "it's", "they've", "I'm", "can't",
            "won't", "she'll", "you'd"};

        private EnglishCorpus() {
        }

        static List<String> generate(int n, long seed) {
            Random r = new Random(seed);
            List<String> out = new ArrayList<>(n);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                int words = 5 + r.nextInt(116);
                for (int w = 0; w < words; w++) {
                    if (w > 0) {
                        sb.append(' ');
                    }
                    String word = word(r);
                    if (w == 0) {
                        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                    }
                    int p = r.nextInt(100);
                    if (p < 3) {
                        sb.append('"').append(word).append('"');
                    } else if (p < 5) {
                        sb.append('(').append(word).append(')');
                    } else {
                        sb.append(word);
                    }
                    if (w == words - 1) {
                        sb.append(r.nextInt(10) == 0 ? '?' : r.nextInt(20) == 0 ? '!' : '.');
                    } else if (p >= 90) {
                        sb.append(p >= 97 ? ";" : p >= 95 ? ":" : ",");
                    } else if (p == 89 && w > 2 && w < words - 3) {
                        sb.append('.');
                        w++;
                        sb.append(' ').append(Character.toUpperCase(word(r).charAt(0))).append(word(r).substring(1));
                    }
                }
                out.add(sb.toString());
            }
            return out;
        }

        private static String word(Random r) {
            int k = r.nextInt(100);
            if (k < 4) {
                return NAMES[r.nextInt(NAMES.length)];
            }
            if (k < 7) {
                return CONTRACTIONS[r.nextInt(CONTRACTIONS.length)];
            }
            if (k < 10) {
                return switch (r.nextInt(5)) {
                    case 0 -> Integer.toString(r.nextInt(100));
                    case 1 -> Integer.toString(1900 + r.nextInt(130));
                    case 2 -> String.format("%d.%d", r.nextInt(1000), r.nextInt(100));
                    case 3 -> r.nextInt(100) + "%";
                    default -> String.format("%,d", r.nextInt(10_000_000));
                };
            }
            if (k < 12) {
                return WORDS[r.nextInt(WORDS.length)] + "-" + WORDS[r.nextInt(WORDS.length)];
            }
            // Zipf-like: frequent words first
            int i = (int) Math.min(WORDS.length - 1, Math.floor(Math.pow(WORDS.length, r.nextDouble())) - 1);
            return WORDS[Math.max(0, i)];
        }

        /** Without ../shared: the specials, every character, every word, and "##" pieces of 3 letters. */
        static List<String> vocabulary() {
            Set<String> v = new LinkedHashSet<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
            for (char c = '!'; c <= '~'; c++) {
                if (!Character.isUpperCase(c)) {
                    v.add(String.valueOf(c));
                    v.add("##" + c);
                }
            }
            List<String> all = new ArrayList<>(Arrays.asList(WORDS));
            for (String n : NAMES) {
                all.add(n.toLowerCase(Locale.ROOT));
            }
            for (String w : all) {
                if (w.chars().allMatch(Character::isLetter)) {
                    v.add(w);
                    for (int i = 3; i + 3 <= w.length(); i += 3) {
                        v.add("##" + w.substring(i, i + 3));
                    }
                }
            }
            return new ArrayList<>(v);
        }
    }
}
