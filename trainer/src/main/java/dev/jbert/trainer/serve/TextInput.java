package dev.jbert.trainer.serve;

import java.util.Objects;

/** One input of the model: a text, and the second text of a pair or null ({@code [CLS] text [SEP] (pair [SEP])}). */
public record TextInput(String text, String pair) {
    public TextInput {
        Objects.requireNonNull(text, "text");
    }

    public static TextInput of(String text) {
        return new TextInput(text, null);
    }
}
