package one.derailed.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Account is one line of a tokens file: {@code user_id<TAB>token}, optionally followed by {@code <TAB>guild_id} (the
 * guild {@code prepare} put the user in; 0 when unknown). Blank lines and lines starting with {@code #} are skipped.
 */
record Account(long userId, String token, long guildId) {

    static List<Account> read(Path file, int limit) throws IOException {
        return read(file, 0, limit);
    }

    /** The accounts of lines {@code skip} .. {@code skip + limit - 1} (comments and blank lines not counted). */
    static List<Account> read(Path file, int skip, int limit) throws IOException {
        List<Account> accounts = new ArrayList<>();
        int skipped = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null && (limit <= 0 || accounts.size() < limit)) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (skipped < skip) {
                    skipped++;
                    continue;
                }
                String[] columns = line.split("\t");
                if (columns.length < 2) {
                    throw new IOException(file + ":" + number + ": expected user_id<TAB>token[<TAB>guild_id]");
                }
                try {
                    long guild = columns.length > 2 ? Long.parseLong(columns[2].trim()) : 0L;
                    accounts.add(new Account(Long.parseLong(columns[0].trim()), columns[1].trim(), guild));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + number + ": ids must be decimal numbers", e);
                }
            }
        }
        return accounts;
    }
}
