package org.nimbus.introduction;

/**
 * What keeps introductions from becoming a reflector (RFC 7016 §3.5.1.1.2 lets any source name
 * any peer): Forwarded IHellos per target and per source address, and the length of a Redirect.
 *
 * @param fihellosPerTargetPerSecond Forwarded IHellos one target receives per second (burst: as many)
 * @param introductionsPerSourcePerSecond IHellos naming a peer that one source IP gets answered per second
 * @param maxRedirectAddresses       addresses one Redirect lists at most
 */
public record IntroductionLimits(int fihellosPerTargetPerSecond, int introductionsPerSourcePerSecond,
                                 int maxRedirectAddresses) {
    /** Recent unknown-peer tags remembered to answer their retransmission with "peer gone". */
    public static final int UNKNOWN_TAG_MEMORY = 4096;
    /** Rate-limit buckets kept per kind (least recently used evicted beyond). */
    public static final int RATE_BUCKETS = 16_384;

    public IntroductionLimits {
        if (fihellosPerTargetPerSecond < 1 || introductionsPerSourcePerSecond < 1 || maxRedirectAddresses < 1) {
            throw new IllegalArgumentException("introduction limits must be positive");
        }
    }

    public static IntroductionLimits defaults() {
        return new IntroductionLimits(50, 20, 8);
    }
}
