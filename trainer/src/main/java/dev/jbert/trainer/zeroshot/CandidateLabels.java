package dev.jbert.trainer.zeroshot;

import dev.jbert.cli.UserException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidate labels of a zero-shot classification, in the order given: each becomes one
 * hypothesis. From the command line they are one comma-separated string ({@code "politics, sports"});
 * names are trimmed, and an empty or repeated name is refused (Hugging Face's pipeline drops empty
 * names and scores a repeated one twice).
 */
public record CandidateLabels(List<String> names) {
    public CandidateLabels {
        if (names == null || names.isEmpty()) {
            throw new UserException("--labels: expected at least one candidate label, found none");
        }
        List<String> clean = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i) == null ? "" : names.get(i).strip();
            if (n.isEmpty()) {
                throw new UserException("--labels: label " + (i + 1) + " of " + names.size()
                        + " is empty; expected names separated by commas, e.g. \"politics,sports,science\"");
            }
            if (!seen.add(n)) {
                throw new UserException("--labels: '" + n + "' is given twice; each candidate label must be different");
            }
            clean.add(n);
        }
        names = List.copyOf(clean);
    }

    /** Splits {@code "a, b,c"} on commas. */
    public static CandidateLabels parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new UserException("--labels: expected candidate labels separated by commas, e.g. "
                    + "\"politics,sports,science\", found '" + (commaSeparated == null ? "" : commaSeparated) + "'");
        }
        return new CandidateLabels(List.of(commaSeparated.split(",", -1)));
    }

    public static CandidateLabels of(List<String> names) {
        return new CandidateLabels(names);
    }

    public int size() {
        return names.size();
    }

    public String get(int i) {
        return names.get(i);
    }
}
