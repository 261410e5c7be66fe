/**
 * The chat room of {@code tcp-listen --chat}: members with a reader and a writer each, a bounded lock-free outbox
 * per member, the line protocol as pure functions, and the room that broadcasts each line encoded once. The room
 * takes members through a {@link netkit.engine.chat.ChatTransport}, so it runs over any stream transport.
 */
package netkit.engine.chat;
