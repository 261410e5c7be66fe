package netkit.engine.udp;

/** A snapshot of an endpoint's traffic, with Node's names for the byte counts. */
public record Counters(long datagramsReceived, long bytesRead, long datagramsSent, long bytesWritten) {}
