package org.nimbus.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;

/**
 * The request/reply layer of docs/registry-protocol.md: one JSON request in, one JSON reply out
 * (a result or an error carrying the request's id). Shared by every transport; nothing thrown
 * by a request leaves this class.
 */
public final class RegistryProtocol {
    private final RegistryService service;
    /** Offline delivery, or null: a send to an offline account is then unknown-user. */
    private final Mailbox mailbox;

    public RegistryProtocol(RegistryService service) {
        this(service, null);
    }

    public RegistryProtocol(RegistryService service, Mailbox mailbox) {
        this.service = service;
        this.mailbox = mailbox;
    }

    public RegistryService service() {
        return service;
    }

    public JsonObject handle(RegistrySession s, JsonObject request) {
        service.touch(s);
        JsonElement id = request.get("id");
        if (id != null && !(id.isJsonPrimitive() && (id.getAsJsonPrimitive().isNumber() || id.getAsJsonPrimitive().isString()))) {
            id = null;
        }
        try {
            JsonObject reply = dispatch(s, request, string(request, "op"));
            if (id != null) {
                reply.add("id", id);
            }
            return reply;
        } catch (RegistryException e) {
            return service.error(e.code(), e.getMessage(), id);
        }
    }

    private JsonObject dispatch(RegistrySession s, JsonObject r, String op) {
        switch (op) {
            case "hello": {
                JsonElement v = r.get("v");
                if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsDouble() != 1) {
                    throw new RegistryException(ErrorCodes.BAD_VERSION, "this server speaks version 1");
                }
                JsonElement g = r.get("guest");
                boolean guest = g != null && g.isJsonPrimitive() && g.getAsJsonPrimitive().isBoolean() && g.getAsBoolean();
                RegistryService.Welcome w = guest ? service.helloGuest(s) : service.helloAccount(s, string(r, "token"));
                JsonObject o = reply("welcome");
                o.addProperty("name", w.name());
                o.addProperty("key", Names.key(w.name()));
                o.addProperty("guest", w.guest());
                o.addProperty("keepalive", w.keepaliveSeconds());
                o.add("iceServers", service.iceServers(w.name()));
                return o;
            }
            case "register": {
                JsonObject o = reply("registered");
                if (relay(r)) {
                    service.registerRelay(s);
                    o.addProperty("name", s.name());
                    o.addProperty("relay", true);
                } else {
                    String peerId = string(r, "peerId");
                    service.register(s, peerId);
                    o.addProperty("name", s.name());
                    o.addProperty("peerId", peerId);
                }
                if (mailbox != null) {
                    mailbox.deliver(s); // queued behind this reply on the connection
                }
                return o;
            }
            case "unregister":
                if (relay(r)) {
                    service.unregisterRelay(s);
                } else {
                    service.unregister(s, string(r, "peerId"));
                }
                return reply("unregistered");
            case "lookup": {
                RegistryService.Lookup l = service.timedLookup(s, string(r, "name"));
                JsonObject o = reply("found");
                o.addProperty("name", l.name());
                o.addProperty("key", Names.key(l.name()));
                o.addProperty("online", l.online());
                JsonArray ids = new JsonArray();
                l.peerIds().forEach(ids::add);
                o.add("peerIds", ids);
                return o;
            }
            case "subscribe": {
                List<String> online = service.subscribe(s, strings(r, "names"));
                JsonObject o = reply("subscribed");
                JsonArray a = new JsonArray();
                online.forEach(a::add);
                o.add("online", a);
                return o;
            }
            case "unsubscribe":
                service.unsubscribe(s, strings(r, "names"));
                return reply("unsubscribed");
            case "send": {
                String to = string(r, "to");
                String text = string(r, "text");
                String mid = mid(r);
                int delivered = service.send(s, to, text, mid);
                if (delivered < 0) {
                    if (mailbox == null) {
                        throw new RegistryException(ErrorCodes.UNKNOWN_USER, "'" + to + "' is offline");
                    }
                    return mailbox.keep(s, to, mid, text, service.now()); // off the registry's lock
                }
                if (mailbox != null) {
                    mailbox.recordRelayed(s, to, mid, text, service.now());
                }
                JsonObject o = reply("sent");
                o.addProperty("delivered", delivered);
                return o;
            }
            case "signal": {
                int delivered = service.signal(s, string(r, "to"), r.get("data"));
                JsonObject o = reply("signalled");
                o.addProperty("delivered", delivered);
                return o;
            }
            case "ack": {
                JsonElement sid = r.get("sid");
                if (sid == null || !sid.isJsonPrimitive() || !sid.getAsJsonPrimitive().isNumber()) {
                    throw new RegistryException(ErrorCodes.BAD_REQUEST, "'sid' must be a number");
                }
                if (mailbox == null || s.name() == null || s.guest) {
                    throw new RegistryException(ErrorCodes.UNKNOWN_MESSAGE, "no stored messages here");
                }
                mailbox.acknowledge(s, sid.getAsLong());
                return reply("acked");
            }
            case "history": {
                String with = string(r, "with");
                long before = optionalLong(r, "before", 0);
                int limit = (int) Math.min(optionalLong(r, "limit", 50), Integer.MAX_VALUE);
                return requireMailbox().history(s, with, before, limit);
            }
            case "record": {
                String mid = mid(r);
                if (mid == null) {
                    throw new RegistryException(ErrorCodes.BAD_REQUEST, "'mid' is required");
                }
                String text = string(r, "text");
                if (text.codePointCount(0, text.length()) > service.limits().maxTextChars()) {
                    throw new RegistryException(ErrorCodes.TOO_LONG, "text longer than " + service.limits().maxTextChars()
                            + " characters");
                }
                return requireMailbox().record(s, string(r, "to"), mid, text, service.now());
            }
            case "forget": {
                JsonObject o = reply("forgotten");
                o.addProperty("deleted", requireMailbox().forget(s));
                return o;
            }
            case "ping":
                return reply("pong");
            default:
                throw new RegistryException(ErrorCodes.UNKNOWN_OP, "unknown op '" + abbreviate(op) + "'");
        }
    }

    private static JsonObject reply(String op) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        return o;
    }

    /**
     * Whether a register/unregister is the relay-only form: {@code relay: true} and no
     * {@code peerId}. Both, or a {@code relay} that is not a boolean, is a bad request; a false
     * or absent {@code relay} is the peer ID form, which needs its {@code peerId}.
     */
    private static boolean relay(JsonObject r) {
        JsonElement e = r.get("relay");
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'relay' must be a boolean");
        }
        if (!e.getAsBoolean()) {
            return false;
        }
        JsonElement peerId = r.get("peerId");
        if (peerId != null && !peerId.isJsonNull()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "either 'peerId' or 'relay': true, not both");
        }
        return true;
    }

    private Mailbox requireMailbox() {
        if (mailbox == null) {
            throw new RegistryException(ErrorCodes.STORE_UNAVAILABLE, "this server keeps no messages");
        }
        return mailbox;
    }

    /** An optional number field: {@code def} when absent, a bad request when not a number. */
    private static long optionalLong(JsonObject r, String field, long def) {
        JsonElement e = r.get(field);
        if (e == null || e.isJsonNull()) {
            return def;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'" + field + "' must be a number");
        }
        return e.getAsLong();
    }

    /** The optional message ID of a send: 1 to 64 characters, letters, digits, '-', '_' and '.' (a page's dedup key). */
    private static String mid(JsonObject r) {
        JsonElement e = r.get("mid");
        if (e == null || e.isJsonNull()) {
            return null;
        }
        String m = string(r, "mid");
        if (m.isEmpty() || m.length() > 64 || !m.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'mid' must be 1 to 64 of A-Z a-z 0-9 - _ .");
        }
        return m;
    }

    private static String string(JsonObject r, String field) {
        JsonElement e = r.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'" + field + "' must be a string");
        }
        return e.getAsString();
    }

    private static List<String> strings(JsonObject r, String field) {
        JsonElement e = r.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new RegistryException(ErrorCodes.BAD_REQUEST, "'" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!(x instanceof JsonPrimitive p) || !p.isString()) {
                throw new RegistryException(ErrorCodes.BAD_REQUEST, "'" + field + "' must be an array of strings");
            }
            out.add(p.getAsString());
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "…";
    }
}
