package netkit.engine.tcp;

/**
 * How a session ended: normally, by its idle timeout, or by an error (Node's {@code hadError}).
 * A forwarded client's outcome also carries its upstream connection, so its one {@code close} event
 * can report both sides' bytes.
 */
public record Outcome(Kind kind, Throwable error, Connection upstream) {
    public enum Kind {
        CLOSED,
        IDLE_TIMEOUT,
        ERROR
    }

    public static final Outcome CLOSED = new Outcome(Kind.CLOSED, null);
    public static final Outcome IDLE_TIMEOUT = new Outcome(Kind.IDLE_TIMEOUT, null);

    public Outcome(Kind kind, Throwable error) {
        this(kind, error, null);
    }

    public static Outcome error(Throwable t) {
        return new Outcome(Kind.ERROR, t);
    }

    /** This outcome of a forwarded client whose upstream was {@code c}. */
    public Outcome withUpstream(Connection c) {
        return new Outcome(kind, error, c);
    }

    public boolean hadError() {
        return kind != Kind.CLOSED;
    }
}
