package netkit.sys;

/**
 * How close the process is to its descriptor limit ({@code ulimit -n}), asked before taking on
 * a client. Counting /proc/self/fd costs a walk over every open descriptor, too much for each
 * accept of a 10,000-client join; so it is counted exactly only once the descriptors taken since
 * the last count could have used up half the headroom that count found.
 */
public final class FdBudget {
    private final long limit;
    private final int reserve;
    private long allowance;

    /** {@code reserve}: descriptors that must stay free for everything else. */
    public FdBudget(int reserve) {
        this(Posix.fdLimit(), reserve);
    }

    FdBudget(long limit, int reserve) {
        this.limit = limit;
        this.reserve = reserve;
    }

    /**
     * Whether {@code cost} more descriptors may be taken: null when they may, else the reason
     * ({@code near the limit of 1024 (ulimit -n)}; the same text each time, so that it can be
     * printed once).
     */
    public synchronized String refuse(int cost) {
        return refuse(cost, false);
    }

    /** As {@link #refuse(int)}, counting the open descriptors afresh when {@code exact}. */
    public synchronized String refuse(int cost, boolean exact) {
        if (limit <= 0) {
            return null; // unknown or unlimited: nothing to protect
        }
        allowance = exact ? -1 : allowance - cost;
        if (allowance >= 0) {
            return null;
        }
        int open = Posix.openFds();
        if (open < 0) {
            allowance = Long.MAX_VALUE / 2;
            return null;
        }
        long free = limit - open;
        if (free - cost < reserve) {
            allowance = 0; // count again next time: clients leave and free descriptors
            return "near the limit of " + limit + " (ulimit -n)";
        }
        allowance = (free - reserve) / 2;
        return null;
    }
}
