package dev.jbert.trainer.train;

import dev.jbert.cli.UserException;
import java.util.Locale;

/**
 * When to log, evaluate or save: Hugging Face's {@code IntervalStrategy} ({@code "no"},
 * {@code "steps"}, {@code "epoch"}).
 */
public enum IntervalStrategy {
    NO("no"), STEPS("steps"), EPOCH("epoch");

    private final String hfName;

    IntervalStrategy(String hfName) {
        this.hfName = hfName;
    }

    public String hfName() {
        return hfName;
    }

    /**
     * Parses {@code no}, {@code steps} or {@code epoch} (case-insensitive); {@code flag} names the option
     * in messages. {@code false} means {@code no}: YAML 1.1 reads an unquoted {@code no} as false.
     */
    public static IntervalStrategy parse(String value, String flag) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("false")) {
            return NO;
        }
        for (IntervalStrategy s : values()) {
            if (s.hfName.equals(v)) {
                return s;
            }
        }
        throw new UserException(flag + ": expected no, steps or epoch, found '" + value + "'");
    }
}
