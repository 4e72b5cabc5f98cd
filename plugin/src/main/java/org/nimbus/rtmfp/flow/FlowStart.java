package org.nimbus.rtmfp.flow;

import java.util.Optional;
import java.util.OptionalLong;
import org.nimbus.rtmfp.packet.MalformedException;
import org.nimbus.rtmfp.packet.Option;

/**
 * What the session needs to know about a User Data chunk for a flow ID it has no receiver for
 * yet (RFC 7016 §3.6.3.1): the flow's metadata, the return association, and whether the flow
 * can be accepted at all. A new flow without metadata, or with a mandatory option (type below
 * 0x2000) we do not understand, must be rejected.
 */
public record FlowStart(long flowId, Optional<byte[]> metadata, OptionalLong returnAssociation,
                        boolean unknownMandatoryOption) {

    public static FlowStart of(UserDataChunk chunk) {
        boolean unknown = false;
        if (chunk.hasOptions()) {
            for (Option o : chunk.options()) {
                if (o.type() != UserDataChunk.OPTION_METADATA && o.type() != UserDataChunk.OPTION_RETURN_ASSOCIATION
                        && o.type() < UserDataChunk.MANDATORY_OPTION_CUTOFF) {
                    unknown = true;
                }
            }
        }
        return new FlowStart(chunk.flowId(), chunk.metadata(), chunk.returnAssociation(), unknown);
    }

    /** Inspects a raw User Data (0x10) payload. */
    public static FlowStart peek(byte[] userDataPayload) throws MalformedException {
        return of(UserDataChunk.decode(userDataPayload));
    }

    /** §3.6.3.1: a flow is acceptable only with metadata and no unknown mandatory option. */
    public boolean acceptable() {
        return metadata.isPresent() && !unknownMandatoryOption;
    }
}
