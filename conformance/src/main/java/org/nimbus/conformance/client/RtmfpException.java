package org.nimbus.conformance.client;

/** A protocol-level failure the test case should report (timeout, refusal, bad answer). */
public class RtmfpException extends Exception {
    public RtmfpException(String message) {
        super(message);
    }
}
