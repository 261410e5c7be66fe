/**
 * The only code that uses Bouncy Castle: PEM files and the ephemeral certificate. Its classes are
 * loaded by {@link netkit.engine.tls.Pki#get} in a class loader of their own over the Bouncy Castle
 * jars beside netkit.jar, which are not on the class path: a signed 7 MB jar on it costs every
 * start of every command (~15 ms of CPU), not only TLS ones.
 */
package netkit.engine.tls.bc;
