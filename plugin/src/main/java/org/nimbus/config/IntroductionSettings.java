package org.nimbus.config;

import org.nimbus.introduction.IntroductionLimits;

/** The keys of nimbus.properties that bound introductions (Forwarded IHello / Redirect). */
public final class IntroductionSettings {
    public static final Setting<Integer> FIHELLO_PER_TARGET = Setting.intRange("introduction.fihello_per_target_per_second",
            50, 1, 1_000_000, "Forwarded IHellos one target peer receives per second at most");
    public static final Setting<Integer> PER_SOURCE = Setting.intRange("introduction.per_source_per_second", 20, 1,
            1_000_000, "IHellos naming a peer that are answered per second for one source IP");
    public static final Setting<Integer> MAX_REDIRECT_ADDRESSES = Setting.intRange("introduction.max_redirect_addresses",
            8, 1, 64, "addresses one Redirect lists at most");

    private IntroductionSettings() {
    }

    public static IntroductionLimits limits(NimbusConfig c) {
        return new IntroductionLimits(c.get(FIHELLO_PER_TARGET), c.get(PER_SOURCE), c.get(MAX_REDIRECT_ADDRESSES));
    }
}
