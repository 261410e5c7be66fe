package netkit.engine.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges runs of join (or leave) notices in a batch of broadcasts into one line each, so that a
 * storm of joins costs each member a few lines instead of one per join: a room of 10,000 that
 * joins at once would otherwise send 50 million notices (over a gigabyte). Pure: the
 * {@link Broadcaster} calls it on each batch it flushes.
 */
final class NoticeMerger {
    private NoticeMerger() {}

    /** Join (leave) notices in a row that one flush merges into one line; fewer go out one by one. */
    static final int MERGE_NOTICES = 4;

    /** Names a merged notice lists before "and N others". */
    static final int MERGED_NAMES = 5;

    /** A join or leave notice, which a flush may merge with its neighbours of the same kind. */
    record Notice(Verb verb, String name, int online) {
        enum Verb {
            JOINED("joined"),
            LEFT("left");

            final String text;

            Verb(String text) {
                this.text = text;
            }
        }

        static Notice joined(String name, int online) {
            return new Notice(Verb.JOINED, name, online);
        }

        static Notice left(String name, int online) {
            return new Notice(Verb.LEFT, name, online);
        }

        /** The notice on its own: {@code * NAME joined (N online)}. */
        ChatText.Line line() {
            return ChatText.line("* " + name + " " + verb.text + " (" + online + " online)");
        }
    }

    /** A broadcast line waiting for the flusher; {@code seq} orders it against joins, {@code notice} may be null. */
    record Pending(ChatText.Line line, Member sender, long seq, Notice notice) {}

    /**
     * One line of a flush: a pending line, or several join (leave) notices in a row merged into
     * one {@code * a, b, c and 97 others joined (N online)} line, with the range of their numbers.
     */
    record Item(ChatText.Line line, Member sender, long firstSeq, long lastSeq) {}

    /**
     * The lines of {@code batch} in order, each run of {@link #MERGE_NOTICES} or more notices of
     * the same verb merged into one line. A member who joined inside a merged run gets the merged
     * line too (it lists the burst).
     */
    static List<Item> merge(List<Pending> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        int i = 0;
        while (i < batch.size()) {
            Pending p = batch.get(i);
            int j = i + 1;
            if (p.notice() != null) {
                while (j < batch.size()
                        && batch.get(j).notice() != null
                        && batch.get(j).notice().verb() == p.notice().verb()) {
                    j++;
                }
            }
            if (p.notice() == null || j - i < MERGE_NOTICES) {
                for (int k = i; k < j; k++) {
                    Pending q = batch.get(k);
                    items.add(new Item(q.line(), q.sender(), q.seq(), q.seq()));
                }
            } else {
                items.add(new Item(
                        mergedLine(batch.subList(i, j)),
                        null,
                        p.seq(),
                        batch.get(j - 1).seq()));
            }
            i = j;
        }
        return items;
    }

    /** {@code * a, b, c, d, e and 95 others joined (N online)}, N from the last notice of the run. */
    private static ChatText.Line mergedLine(List<Pending> run) {
        StringBuilder names = new StringBuilder("* ");
        int shown = Math.min(MERGED_NAMES, run.size());
        for (int k = 0; k < shown; k++) {
            names.append(k > 0 ? ", " : "").append(run.get(k).notice().name());
        }
        if (run.size() > shown) {
            names.append(" and ").append(run.size() - shown).append(" others");
        }
        Notice last = run.get(run.size() - 1).notice();
        return ChatText.line(names.append(' ')
                .append(last.verb().text)
                .append(" (")
                .append(last.online())
                .append(" online)")
                .toString());
    }
}
