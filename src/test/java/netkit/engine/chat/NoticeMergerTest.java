package netkit.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import netkit.engine.chat.NoticeMerger.Item;
import netkit.engine.chat.NoticeMerger.Notice;
import netkit.engine.chat.NoticeMerger.Pending;
import org.junit.jupiter.api.Test;

/** The merging of join and leave notices in one flush, on its own. */
class NoticeMergerTest {
    private final List<Pending> batch = new ArrayList<>();

    private void say(String text) {
        batch.add(new Pending(ChatText.line(text), null, batch.size() + 1, null));
    }

    private void notice(Notice n) {
        batch.add(new Pending(n.line(), null, batch.size() + 1, n));
    }

    private List<String> merged() {
        return NoticeMerger.merge(batch).stream().map(i -> i.line().text()).toList();
    }

    @Test
    void fewerNoticesThanTheThresholdGoOutOneByOne() {
        for (int i = 1; i < NoticeMerger.MERGE_NOTICES; i++) {
            notice(Notice.joined("u" + i, i + 1));
        }
        assertEquals(List.of("* u1 joined (2 online)", "* u2 joined (3 online)", "* u3 joined (4 online)"), merged());
    }

    @Test
    void aRunOfJoinsBecomesOneLineWithTheLastCountAndTheRangeOfItsNumbers() {
        say("<a> before");
        for (int i = 1; i <= 8; i++) {
            notice(Notice.joined("u" + i, i + 1));
        }
        notice(Notice.left("u3", 8));
        say("<a> after");
        List<Item> items = NoticeMerger.merge(batch);
        assertEquals(
                List.of(
                        "<a> before",
                        "* u1, u2, u3, u4, u5 and 3 others joined (9 online)",
                        "* u3 left (8 online)",
                        "<a> after"),
                items.stream().map(i -> i.line().text()).toList());
        assertEquals(2, items.get(1).firstSeq());
        assertEquals(9, items.get(1).lastSeq());
    }

    @Test
    void joinsAndLeavesAreMergedSeparately() {
        for (int i = 1; i <= 4; i++) {
            notice(Notice.joined("j" + i, 10 + i));
        }
        for (int i = 1; i <= 4; i++) {
            notice(Notice.left("l" + i, 14 - i));
        }
        assertEquals(List.of("* j1, j2, j3, j4 joined (14 online)", "* l1, l2, l3, l4 left (10 online)"), merged());
    }
}
