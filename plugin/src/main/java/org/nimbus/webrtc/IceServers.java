package org.nimbus.webrtc;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The STUN/TURN servers a page's RTCPeerConnection gets in {@code welcome.iceServers}
 * (RTCIceServer dictionaries, W3C webrtc-pc section 4.2.1). TURN entries carry credentials minted
 * for the connection's name when a shared secret is set; none at all means host candidates only.
 */
public final class IceServers {
    public static final IceServers NONE = new IceServers(List.of(), List.of(), null);

    private final List<String> stun;
    private final List<String> turn;
    private final TurnCredentials credentials;

    /** credentials null: TURN URLs are given without any (a TURN server that needs none). */
    public IceServers(List<String> stun, List<String> turn, TurnCredentials credentials) {
        this.stun = List.copyOf(stun);
        this.turn = List.copyOf(turn);
        this.credentials = credentials;
    }

    public JsonArray forName(String name, long nowMillis) {
        JsonArray out = new JsonArray();
        if (!stun.isEmpty()) {
            JsonObject o = new JsonObject();
            o.add("urls", urls(stun));
            out.add(o);
        }
        if (!turn.isEmpty()) {
            JsonObject o = new JsonObject();
            o.add("urls", urls(turn));
            if (credentials != null) {
                TurnCredentials.Pair p = credentials.mint(name, nowMillis);
                o.addProperty("username", p.username());
                o.addProperty("credential", p.credential());
            }
            out.add(o);
        }
        return out;
    }

    private static JsonArray urls(List<String> l) {
        JsonArray a = new JsonArray();
        l.forEach(a::add);
        return a;
    }
}
