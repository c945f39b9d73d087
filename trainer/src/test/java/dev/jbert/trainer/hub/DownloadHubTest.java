package dev.jbert.trainer.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.cli.UserException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubDownloader} against a fake hub on loopback. */
class DownloadHubTest {
    static final String MODEL = "acme/tiny-bert";
    static final String CONFIG = "{\"model_type\": \"bert\", \"hidden_size\": 8}\n";
    static final String VOCAB = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n";
    static final String TOKENIZER_CONFIG = "{\"do_lower_case\": true}";

    @TempDir
    Path tmp;
    FakeHub hub;
    HttpClient client;
    StringWriter err;
    Path out;
    byte[] weights;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub(tmp.resolve("hub"));
        client = HubDownloader.newClient();
        err = new StringWriter();
        out = tmp.resolve("out");
        weights = random(300_001, 1);
        hub.put(MODEL, "main", "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.put(MODEL, "main", "vocab.txt", VOCAB.getBytes(StandardCharsets.UTF_8));
        hub.put(MODEL, "main", "tokenizer_config.json", TOKENIZER_CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.put(MODEL, "main", "model.safetensors", weights);
    }

    @AfterEach
    void stop() {
        hub.close();
        client.close();
    }

    private DownloadResult download(int retries) {
        return download(MODEL, retries, null);
    }

    private DownloadResult download(String model, int retries, String token) {
        HubDownloader d = new HubDownloader(client, token, new DownloadProgress(new PrintWriter(err, true)), retries,
                Duration.ZERO);
        return d.download(hub.endpoint(), model, "main", out);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void assertNoPartials() {
        assertFalse(Files.exists(out.resolve(HubFileFetcher.PARTIAL_DIR)), "the .partial folder is removed");
    }

    @Test
    void downloadsEveryFileAndSkipsAbsentOptionalOnes() throws Exception {
        hub.commit = "0123456789abcdef0123456789abcdef01234567";
        DownloadResult r = download(0);
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
        assertEquals(CONFIG, Files.readString(out.resolve("config.json")));
        assertEquals(VOCAB, Files.readString(out.resolve("vocab.txt")));
        assertEquals(HubFile.Status.DOWNLOADED, r.file("model.safetensors").status());
        assertTrue(r.file("model.safetensors").verified());
        assertEquals(FakeHub.sha256(weights), r.file("model.safetensors").sha256());
        assertEquals(HubFile.Status.ABSENT, r.file("tokenizer.json").status());
        assertEquals(HubFile.Status.ABSENT, r.file("special_tokens_map.json").status());
        assertFalse(Files.exists(out.resolve("tokenizer.json")));
        assertEquals(hub.commit, r.commit());
        // after config.json, files come from the commit the revision resolved to
        assertTrue(hub.requests().contains("GET /acme/tiny-bert/resolve/" + hub.commit + "/model.safetensors"),
                hub.requests().toString());
        assertEquals(weights.length + CONFIG.length() + VOCAB.length() + TOKENIZER_CONFIG.length(), r.fetchedBytes());
        assertEquals("downloaded", r.toJson().path("files").path(0).path("status").asText());
        assertNoPartials();
        assertTrue(err.toString().contains("model.safetensors: 293.0 kB, sha256 checked"), err.toString());
    }

    @Test
    void followsLfsRedirectsAndKeepsTheTokenForTheHub() throws Exception {
        hub.lfsRedirect.add(MODEL + "/main/model.safetensors");
        hub.requiredToken = "hf_secret";
        DownloadResult r = download(MODEL, 0, "hf_secret");
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
        assertTrue(r.file("model.safetensors").verified(), "sha256 from X-Linked-Etag");
        for (String req : hub.requests()) {
            assertEquals(req.startsWith("GET /cdn/"), !req.endsWith(" auth"),
                    "the token goes to the hub, never to the storage server: " + req);
        }
    }

    @Test
    void missingTokenIsAClearError() {
        hub.requiredToken = "hf_secret";
        UserException e = assertThrows(UserException.class, () -> download(0));
        assertTrue(e.getMessage().contains(hub.endpoint() + "/acme/tiny-bert/resolve/main/config.json: HTTP 401"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--token"), e.getMessage());
    }

    @Test
    void resumesAfterTheConnectionDrops() throws Exception {
        hub.dropOnce.add(MODEL + "/main/model.safetensors");
        DownloadResult r = download(2);
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
        assertEquals(HubFile.Status.RESUMED, r.file("model.safetensors").status());
        assertTrue(r.file("model.safetensors").verified());
        List<String> gets = hub.requests().stream().filter(s -> s.contains("model.safetensors")).toList();
        assertEquals(2, gets.size(), gets.toString());
        assertTrue(gets.get(1).matches(".* bytes=\\d+-"), gets.toString());
        assertTrue(!gets.get(1).endsWith(" bytes=0-"), gets.toString());
        assertTrue(err.toString().contains("retrying (1 of 2)"), err.toString());
        assertNoPartials();
    }

    @Test
    void resumesAPartialFileLeftByAnEarlierRun() throws Exception {
        hub.dropOnce.add(MODEL + "/main/model.safetensors");
        UserException e = assertThrows(UserException.class, () -> download(0));
        assertTrue(e.getMessage().startsWith(hub.endpoint() + "/acme/tiny-bert/resolve/main/model.safetensors: "),
                e.getMessage());
        Path partial = out.resolve(".partial/model.safetensors");
        assertTrue(Files.exists(partial), "the partial file is kept");
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept < weights.length, "kept " + kept);
        assertTrue(e.getMessage().contains("run again to resume"), e.getMessage());
        assertFalse(Files.exists(out.resolve("model.safetensors")));

        DownloadResult r = download(0);
        assertEquals(HubFile.Status.RESUMED, r.file("model.safetensors").status());
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
        assertTrue(hub.requests().contains("GET /acme/tiny-bert/resolve/main/model.safetensors bytes=" + kept + "-"),
                hub.requests().toString());
    }

    @Test
    void startsOverWhenTheServerIgnoresTheRange() throws Exception {
        hub.ignoreRange = true;
        Path partial = out.resolve(".partial/model.safetensors");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[] {1, 2, 3, 4, 5});
        DownloadResult r = download(0);
        assertEquals(HubFile.Status.DOWNLOADED, r.file("model.safetensors").status());
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
    }

    @Test
    void aCompletePartialFileIsFinishedWithoutRefetching() throws Exception {
        Path partial = out.resolve(".partial/model.safetensors");
        Files.createDirectories(partial.getParent());
        Files.write(partial, weights);
        DownloadResult r = download(0);
        assertEquals(HubFile.Status.RESUMED, r.file("model.safetensors").status());
        assertTrue(hub.requests().contains("GET /acme/tiny-bert/resolve/main/model.safetensors bytes=" + weights.length
                + "-"), hub.requests().toString());
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
    }

    @Test
    void aForeignPartialFileIsDiscardedOnChecksumMismatch() throws Exception {
        Path partial = out.resolve(".partial/model.safetensors");
        Files.createDirectories(partial.getParent());
        Files.write(partial, random(1000, 99));
        DownloadResult r = download(1);
        assertEquals(HubFile.Status.DOWNLOADED, r.file("model.safetensors").status());
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model.safetensors")));
    }

    @Test
    void filesAlreadyPresentAreNotFetchedAgain() throws Exception {
        download(0);
        DownloadResult again = download(0);
        for (String name : List.of("config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors")) {
            assertEquals(HubFile.Status.PRESENT, again.file(name).status(), name);
        }
        assertEquals(0, again.fetchedBytes());
        assertTrue(err.toString().contains("model.safetensors: already here"), err.toString());
    }

    @Test
    void downloadsEveryShardOfAShardedModel() throws Exception {
        String model = "acme/sharded";
        byte[] a = random(70_000, 2);
        byte[] b = random(50_000, 3);
        hub.put(model, "main", "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "tokenizer.json", ("{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\","
                + " \"vocab\": {\"[UNK]\": 0, \"hi\": 1}}}").getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "model.safetensors.index.json", ("{\"metadata\": {\"total_size\": 120000},"
                + " \"weight_map\": {\"a.weight\": \"model-00001-of-00002.safetensors\","
                + " \"b.weight\": \"model-00002-of-00002.safetensors\","
                + " \"c.weight\": \"model-00001-of-00002.safetensors\"}}").getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "model-00001-of-00002.safetensors", a);
        hub.put(model, "main", "model-00002-of-00002.safetensors", b);
        hub.lfsRedirect.add(model + "/main/model-00002-of-00002.safetensors");
        DownloadResult r = download(model, 0, null);
        assertEquals(HubFile.Status.ABSENT, r.file("model.safetensors").status());
        assertEquals(HubFile.Status.DOWNLOADED, r.file("model.safetensors.index.json").status());
        assertArrayEquals(a, Files.readAllBytes(out.resolve("model-00001-of-00002.safetensors")));
        assertArrayEquals(b, Files.readAllBytes(out.resolve("model-00002-of-00002.safetensors")));
        assertTrue(r.file("model-00002-of-00002.safetensors").verified());
        // a model with only tokenizer.json gets a vocab.txt written from it
        assertEquals(HubFile.Status.DERIVED, r.file("vocab.txt").status());
        assertEquals("[UNK]\nhi\n", Files.readString(out.resolve("vocab.txt")));
    }

    @Test
    void aShardOutsideTheFolderIsRefused() throws Exception {
        String model = "acme/evil";
        hub.put(model, "main", "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "vocab.txt", VOCAB.getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "model.safetensors.index.json",
                "{\"weight_map\": {\"a\": \"../escape.safetensors\"}}".getBytes(StandardCharsets.UTF_8));
        UserException e = assertThrows(UserException.class, () -> download(model, 0, null));
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
    }

    @Test
    void aMissingModelIs404WithTheUrl() {
        UserException e = assertThrows(UserException.class, () -> download("acme/no-such-model", 0, null));
        assertEquals(hub.endpoint() + "/acme/no-such-model/resolve/main/config.json: HTTP 404 (RepoNotFound):"
                + " no such model or revision, or the model has no config.json", e.getMessage());
    }

    @Test
    void aModelWithoutSafetensorsIsRefused() throws Exception {
        String model = "acme/bin-only";
        hub.put(model, "main", "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "vocab.txt", VOCAB.getBytes(StandardCharsets.UTF_8));
        hub.put(model, "main", "pytorch_model.bin", new byte[10]);
        UserException e = assertThrows(UserException.class, () -> download(model, 0, null));
        assertTrue(e.getMessage().contains("model.safetensors: HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }

    @Test
    void aCorruptedFileFailsItsChecksumAndIsDiscarded() {
        hub.wrongSha.put(MODEL + "/main/model.safetensors", "ab".repeat(32));
        UserException e = assertThrows(UserException.class, () -> download(0));
        assertTrue(e.getMessage().startsWith(hub.endpoint() + "/acme/tiny-bert/resolve/main/model.safetensors: sha256"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the hub announced " + "ab".repeat(32)), e.getMessage());
        assertFalse(Files.exists(out.resolve("model.safetensors")));
        assertFalse(Files.exists(out.resolve(".partial/model.safetensors")));
    }

    @Test
    void aNetworkFailureNamesTheUrl() {
        String endpoint = hub.endpoint();
        hub.close();
        HubDownloader d = new HubDownloader(client, null, new DownloadProgress(new PrintWriter(err, true)), 1,
                Duration.ZERO);
        UserException e = assertThrows(UserException.class, () -> d.download(endpoint, MODEL, "main", out));
        assertTrue(e.getMessage().startsWith(endpoint + "/acme/tiny-bert/resolve/main/config.json: network failure"),
                e.getMessage());
        assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
    }

    @Test
    void urlsAreEncoded() {
        HubUrls u = new HubUrls("https://hf.example/", "org/model.v2", "refs/pr/1");
        assertEquals("https://hf.example/org/model.v2/resolve/refs%2Fpr%2F1/sub/a%20b.json",
                u.resolve("sub/a b.json").toString());
        assertThrows(UserException.class, () -> new HubUrls("https://hf.example", "../etc", "main"));
        assertThrows(UserException.class, () -> new HubUrls("https://hf.example", "a/b/c", "main"));
        assertThrows(UserException.class, () -> new HubUrls("ftp://hf.example", "a/b", "main"));
        assertNotNull(new HubUrls("http://127.0.0.1:8080", "bert-base-uncased", "main").endpoint());
    }

    @Test
    void etagsThatAreNotSha256AreIgnored() {
        assertEquals("ab".repeat(32), HubResponse.sha256OfEtag("\"" + "AB".repeat(32) + "\""));
        assertEquals("ab".repeat(32), HubResponse.sha256OfEtag("W/\"" + "ab".repeat(32) + "\""));
        assertEquals(null, HubResponse.sha256OfEtag("\"0123456789abcdef0123456789abcdef01234567\""));
        assertEquals(null, HubResponse.sha256OfEtag(null));
    }
}
