package dev.jbert.trainer.hub;

import dev.jbert.cli.UserException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub's download address of a file: {@code {endpoint}/{model}/resolve/{revision}/{file}}.
 * The model id keeps its slash; the revision is one path segment (a branch name with a slash is
 * percent-encoded, as huggingface_hub does); a file's folders stay folders.
 */
public final class HubUrls {
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    private final String endpoint;
    private final String modelId;
    private final String revision;

    public HubUrls(String endpoint, String modelId, String revision) {
        this.endpoint = checkEndpoint(endpoint);
        this.modelId = checkModelId(modelId);
        if (revision == null || revision.isBlank()) {
            throw new UserException("--revision must not be empty");
        }
        this.revision = revision;
    }

    public URI endpoint() {
        return URI.create(endpoint);
    }

    public String modelId() {
        return modelId;
    }

    public String revision() {
        return revision;
    }

    public URI resolve(String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/", -1)) {
            path.append('/').append(encode(segment));
        }
        return URI.create(endpoint + "/" + modelId + "/resolve/" + encode(revision) + path);
    }

    private static String checkEndpoint(String endpoint) {
        String e = endpoint == null ? "" : endpoint.strip();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new UserException("--endpoint '" + endpoint + "' is not a URL: " + ex.getMessage(), ex);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getHost() == null) {
            throw new UserException("--endpoint '" + endpoint + "' is not an http(s) URL such as https://huggingface.co");
        }
        return e;
    }

    static String checkModelId(String id) {
        if (id == null || !MODEL_ID.matcher(id).matches() || id.contains("..") || id.endsWith(".git")) {
            throw new UserException("model id '" + id + "' is not of the form NAME or OWNER/NAME"
                    + " (letters, digits, '-', '_', '.'), e.g. sentence-transformers/all-MiniLM-L6-v2");
        }
        return id;
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters. */
    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
