package org.nimbus.conformance.client;

/**
 * One reassembled message of a flow the server opened toward the client (RFC 7016 §3.6.3).
 * {@code returnFlowId} is the client flow the server associated it with, or -1.
 */
public record ReceivedMessage(long flowId, byte[] metadata, long returnFlowId, byte[] data) {
}
