package dev.jbert.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vocab.txt}: one token per line, the line number is the id. Read as BERT's
 * {@code load_vocab} does (UTF-8, universal newlines: {@code \n}, {@code \r\n} and {@code \r} end a
 * line; only the line end is removed, other whitespace is part of the token; an empty line is a token).
 */
final class VocabFile {
    private VocabFile() {
    }

    static List<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(file + ": no such vocabulary file", e);
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read vocabulary: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerException(file + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        List<String> tokens = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                tokens.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            tokens.add(text.substring(start));
        }
        if (tokens.isEmpty()) {
            throw new TokenizerException(file + ": vocabulary is empty: expected one token per line, found none");
        }
        return tokens;
    }

    /** Writes the tokens in id order, one per line ({@code save_vocabulary}). */
    static void write(Path file, Vocabulary vocab) {
        StringBuilder out = new StringBuilder(vocab.size() * 8);
        for (int id = 0; id < vocab.size(); id++) {
            out.append(vocab.token(id)).append('\n');
        }
        AtomicFiles.writeString(file, out.toString());
    }
}
