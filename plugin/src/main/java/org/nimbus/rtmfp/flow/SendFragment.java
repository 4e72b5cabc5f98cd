package org.nimbus.rtmfp.flow;

/**
 * One fragment in a {@link SendFlow}'s queue (RFC 7016 §3.6.2.2) with its transmission state
 * (§3.6.2.3): in flight or not, the transmission sequence number (TSN) of its last sending,
 * and how many later transmissions were acknowledged while it was not (its nak count).
 */
final class SendFragment {
    final SendFlow owner;
    final long sequenceNumber;
    final Fragment fragment;
    final byte[] data;
    final WriteReceipt receipt;
    /** The empty fragment that only carries the final flag when a flow closes. */
    final boolean closeMarker;
    boolean fin;

    boolean inFlight;
    boolean sentAbandoned;
    int transmissions;
    long tsn;
    int nakCount;
    int transmitSize;
    long sentAt;

    SendFragment(SendFlow owner, long sequenceNumber, Fragment fragment, byte[] data, WriteReceipt receipt,
                 boolean closeMarker) {
        this.owner = owner;
        this.sequenceNumber = sequenceNumber;
        this.fragment = fragment;
        this.data = data;
        this.receipt = receipt;
        this.closeMarker = closeMarker;
    }

    boolean abandoned() {
        return closeMarker || receipt.isAbandoned();
    }
}
