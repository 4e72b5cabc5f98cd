package org.nimbus.metrics;

import io.micrometer.core.instrument.Tags;

/**
 * A counter name of the RTMFP endpoint ("drop.size", "handshake.rhello", "group.join", ...) as a
 * Prometheus meter: its family and the tag that tells the members apart.
 */
record CounterName(String meter, Tags tags, String description) {
    static CounterName of(String name) {
        int dot = name.indexOf('.');
        String prefix = dot < 0 ? name : name.substring(0, dot);
        String rest = dot < 0 ? "" : name.substring(dot + 1);
        return switch (prefix) {
            case "drop" -> new CounterName("nimbus.rtmfp.drops", Tags.of("reason", rest), "datagrams and chunks dropped, by reason");
            case "handshake" -> new CounterName("nimbus.rtmfp.handshakes", Tags.of("outcome", rest), "handshake steps, by outcome");
            case "session" -> "opened".equals(rest)
                    ? new CounterName("nimbus.rtmfp.handshakes", Tags.of("outcome", "established"), "handshake steps, by outcome")
                    : new CounterName("nimbus.rtmfp.session.events", Tags.of("event", rest), "session events (removed, idle timeout, address change, ...)");
            case "introduction" -> new CounterName("nimbus.rtmfp.introductions", Tags.of("outcome", rest),
                    "IHellos naming a peer, by outcome");
            case "group" -> switch (rest) {
                case "join" -> new CounterName("nimbus.netgroup.joins", Tags.empty(), "NetGroup joins");
                case "leave" -> new CounterName("nimbus.netgroup.leaves", Tags.empty(), "NetGroup leaves");
                default -> new CounterName("nimbus.netgroup.events", Tags.of("event", rest), "other NetGroup events");
            };
            case "tc" -> "connect".equals(rest)
                    ? new CounterName("nimbus.tc.connects", Tags.empty(), "RTMFP NetConnection connect commands")
                    : new CounterName("nimbus.tc.events", Tags.of("event", rest), "other TC events (relays, setPeerInfo, malformed, ...)");
            case "packets" -> new CounterName("nimbus.rtmfp.packets", Tags.of("direction", rest), "packets");
            default -> new CounterName("nimbus.rtmfp.events", Tags.of("event", name), "other endpoint events");
        };
    }
}
