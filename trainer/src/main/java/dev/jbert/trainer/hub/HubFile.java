package dev.jbert.trainer.hub;

/**
 * One file of a download and what became of it.
 *
 * @param size bytes on disk (0 where absent)
 * @param sha256 the file's sha256, lower-case hex (null where absent)
 * @param verified whether the hub announced a sha256 and the file matched it
 */
public record HubFile(String name, Status status, long size, String sha256, boolean verified) {

    public enum Status {
        /** Fetched in full by this run. */
        DOWNLOADED,
        /** Completed from a partial file left by an earlier attempt. */
        RESUMED,
        /** Already in the folder with the sha256 the hub announced: not fetched again. */
        PRESENT,
        /** An optional file the model does not have (HTTP 404). */
        ABSENT,
        /** Not on the hub, written from another file (vocab.txt from tokenizer.json). */
        DERIVED;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static HubFile absent(String name) {
        return new HubFile(name, Status.ABSENT, 0, null, false);
    }

    public boolean exists() {
        return status != Status.ABSENT;
    }
}
