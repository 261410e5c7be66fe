package netkit.engine.tcp;

/** How a session ended: normally, by its idle timeout, or by an error (Node's {@code hadError}). */
public record Outcome(Kind kind, Throwable error) {
    public enum Kind { CLOSED, IDLE_TIMEOUT, ERROR }

    public static final Outcome CLOSED = new Outcome(Kind.CLOSED, null);
    public static final Outcome IDLE_TIMEOUT = new Outcome(Kind.IDLE_TIMEOUT, null);

    public static Outcome error(Throwable t) {
        return new Outcome(Kind.ERROR, t);
    }

    public boolean hadError() {
        return kind != Kind.CLOSED;
    }
}
