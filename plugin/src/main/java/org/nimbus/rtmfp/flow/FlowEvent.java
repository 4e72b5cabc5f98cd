package org.nimbus.rtmfp.flow;

import java.util.Arrays;

/**
 * What a flow tells the session and the layer above, collected by {@link SendFlow#takeEvents()}
 * and {@link RecvFlow#takeEvents()} after each call that drives it.
 */
public sealed interface FlowEvent {
    long flowId();

    /** A whole message arrived on a receive flow (in order unless the flow is unordered). */
    record MessageReceived(long flowId, long sequenceNumber, byte[] message) implements FlowEvent {
        public MessageReceived {
            message = message.clone();
        }

        @Override
        public byte[] message() {
            return message.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageReceived m && m.flowId == flowId && m.sequenceNumber == sequenceNumber
                    && Arrays.equals(m.message, message);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(flowId) * 31 + Arrays.hashCode(message);
        }
    }

    /**
     * A receive flow got its final fragment and everything before it (RFC 7016 §3.6.3.5). The
     * session keeps it a while to acknowledge retransmissions, then forgets the flow ID.
     */
    record RecvFlowComplete(long flowId) implements FlowEvent {
    }

    /** A send flow's final fragment and everything before it was acknowledged (§3.6.2.10). */
    record SendFlowComplete(long flowId) implements FlowEvent {
    }

    /** The receiver rejected a send flow with a Flow Exception Report (§3.6.2.8). */
    record SendFlowRejected(long flowId, long exceptionCode) implements FlowEvent {
    }
}
