package dev.jbert.trainer.hub;

import dev.jbert.cli.UserException;
import dev.jbert.trainer.onnx.WordPieceTokenizerJson;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Downloads what jbert needs of a Hugging Face model into a folder: {@code config.json}; the
 * tokenizer ({@code vocab.txt} and/or {@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}, each optional); and the weights, {@code model.safetensors}
 * or, where the model is sharded, {@code model.safetensors.index.json} and every shard it lists.
 * Once the hub has named the commit the revision points to, the remaining files are fetched from
 * that commit, so a branch that moves during the download cannot mix two versions. Each file
 * is fetched by {@link HubFileFetcher} (resume, size and sha256 checks, atomic rename).
 */
public final class HubDownloader {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String VOCAB = "vocab.txt";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    static final List<String> OPTIONAL_TOKENIZER_FILES =
            List.of(TOKENIZER_JSON, VOCAB, "tokenizer_config.json", "special_tokens_map.json");

    private final HttpClient client;
    private final String token;
    private final DownloadProgress progress;
    private final int retries;
    private final Duration backoff;

    /**
     * @param client an HTTP client that does not follow redirects itself ({@link #newClient()})
     * @param token a Hugging Face access token, or null
     * @param retries further attempts per file after a network failure or a 5xx answer
     * @param backoff the wait before the first retry (doubling, tripling... after)
     */
    public HubDownloader(HttpClient client, String token, DownloadProgress progress, int retries, Duration backoff) {
        if (retries < 0) {
            throw new UserException("--retries must be 0 or more, got " + retries);
        }
        this.client = client;
        this.token = token;
        this.progress = progress;
        this.retries = retries;
        this.backoff = backoff;
    }

    /** HTTP/1.1, redirects left to the fetcher, a 30-second connect timeout. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    public DownloadResult download(String endpoint, String modelId, String revision, Path outDir) {
        HubUrls urls = new HubUrls(endpoint, modelId, revision);
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new UserException(outDir + ": exists and is not a folder");
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UserException(outDir + ": cannot create the folder: " + e.getMessage(), e);
        }
        HubFileFetcher fetcher = new HubFileFetcher(client, urls.endpoint(), token, outDir, progress, retries, backoff,
                "jbert/0.1 (java " + Runtime.version().feature() + ")");
        List<HubFile> files = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        files.add(fetcher.fetch(CONFIG, urls.resolve(CONFIG), false));
        if (fetcher.commit() != null && !fetcher.commit().equals(revision)) {
            urls = new HubUrls(endpoint, modelId, fetcher.commit());
        }
        for (String name : OPTIONAL_TOKENIZER_FILES) {
            files.add(fetcher.fetch(name, urls.resolve(name), true));
        }
        HubFile tokenizerJson = find(files, TOKENIZER_JSON);
        HubFile vocab = find(files, VOCAB);
        if (!vocab.exists()) {
            if (!tokenizerJson.exists()) {
                throw new UserException(urls.resolve(VOCAB) + ": HTTP 404, and no " + TOKENIZER_JSON
                        + " either: the model has no tokenizer jbert can read");
            }
            files.set(files.indexOf(vocab), deriveVocab(outDir, warnings));
        }

        HubFile weights = fetcher.fetch(WEIGHTS, urls.resolve(WEIGHTS), true);
        files.add(weights);
        if (!weights.exists()) {
            HubFile index = fetcher.fetch(WEIGHTS_INDEX, urls.resolve(WEIGHTS_INDEX), true);
            files.add(index);
            if (!index.exists()) {
                throw new UserException(urls.resolve(WEIGHTS) + ": HTTP 404, and no " + WEIGHTS_INDEX
                        + " either: the model has no safetensors weights (jbert does not read pytorch_model.bin)");
            }
            for (String shard : ShardIndex.shards(outDir.resolve(WEIGHTS_INDEX))) {
                files.add(fetcher.fetch(shard, urls.resolve(shard), false));
            }
        }
        removeEmptyPartialFolder(outDir);
        return new DownloadResult(modelId, revision, fetcher.commit(), urls.endpoint().toString(), outDir,
                List.copyOf(files), List.copyOf(warnings));
    }

    /** vocab.txt from a WordPiece tokenizer.json, for models that ship only the latter. */
    private HubFile deriveVocab(Path outDir, List<String> warnings) {
        Path json = outDir.resolve(TOKENIZER_JSON);
        Path vocab = outDir.resolve(VOCAB);
        try {
            WordPieceTokenizerJson tokenizer = WordPieceTokenizerJson.parse(Files.readAllBytes(json), json.toString());
            tokenizer.writeVocab(vocab);
            HubFile f = new HubFile(VOCAB, HubFile.Status.DERIVED, Files.size(vocab),
                    java.util.HexFormat.of().formatHex(HubFileFetcher.sha256Of(vocab).digest()), false);
            progress.finish(f);
            return f;
        } catch (UserException e) {
            warnings.add("no vocab.txt on the hub, and none could be written from tokenizer.json: " + e.getMessage());
            progress.note("warning: " + warnings.getLast());
            return HubFile.absent(VOCAB);
        } catch (IOException e) {
            throw new UserException(vocab + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static HubFile find(List<HubFile> files, String name) {
        for (HubFile f : files) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalStateException(name);
    }

    private static void removeEmptyPartialFolder(Path outDir) {
        Path partial = outDir.resolve(HubFileFetcher.PARTIAL_DIR);
        if (!Files.isDirectory(partial)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(partial)) {
            if (entries.iterator().hasNext()) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // an empty folder left behind is harmless
        }
    }
}
