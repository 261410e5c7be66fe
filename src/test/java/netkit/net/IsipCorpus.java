package netkit.net;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The isip corpus: inputs with Node's {@code net.isIP} answer, generated once by
 * {@code node tools/isip-corpus.js} into {@code isip-corpus.tsv} (FAMILY, TAB, the input as a JSON string).
 */
public record IsipCorpus(String input, int family) {
    public static List<IsipCorpus> load() {
        List<IsipCorpus> all = new ArrayList<>();
        try (InputStream raw = IsipCorpus.class.getResourceAsStream("isip-corpus.tsv");
                BufferedReader in = new BufferedReader(new InputStreamReader(raw, UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int tab = line.indexOf('\t');
                all.add(new IsipCorpus(unquote(line.substring(tab + 1)), Integer.parseInt(line.substring(0, tab))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** Decodes a JSON string literal as JSON.stringify writes it. */
    static String unquote(String json) {
        if (json.length() < 2 || json.charAt(0) != '"' || json.charAt(json.length() - 1) != '"') {
            throw new IllegalArgumentException("not a JSON string: " + json);
        }
        StringBuilder sb = new StringBuilder(json.length());
        for (int i = 1; i < json.length() - 1; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        String shown = input.length() > 60 ? input.substring(0, 60) + "...(" + input.length() + " chars)" : input;
        return family + " <- '"
                + shown.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }
}
