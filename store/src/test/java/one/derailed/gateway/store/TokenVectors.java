package one.derailed.gateway.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** TokenVectors is the rows of {@code token-vectors.tsv}, tokens made by Python's itsdangerous 2.2.0. */
record TokenVectors(long userId, String password, String token, boolean valid) {

    static List<TokenVectors> all() {
        InputStream in = TokenVectors.class.getResourceAsStream("/token-vectors.tsv");
        if (in == null) {
            throw new IllegalStateException("token-vectors.tsv is not on the test classpath");
        }
        List<TokenVectors> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != 4 || !(fields[3].equals("valid") || fields[3].equals("invalid"))) {
                    throw new IllegalStateException("bad token vector: " + line);
                }
                rows.add(new TokenVectors(Long.parseLong(fields[0]), fields[1], fields[2], fields[3].equals("valid")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @Override
    public String toString() {
        return (valid ? "valid " : "invalid ") + userId + " '" + token + "'";
    }
}
