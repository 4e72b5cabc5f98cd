package org.nimbus.registry;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** A registry on a fake clock with a known secret, and helpers to speak its JSON. */
final class Fixture {
    static final byte[] SECRET = "test-secret".getBytes(StandardCharsets.UTF_8);
    final FakeClock clock = new FakeClock(1_700_000_000_000L);
    final AccountTokens tokens = new AccountTokens(SECRET);
    final RegistryService service;
    final RegistryProtocol protocol;

    Fixture(RegistryLimits limits) {
        this(limits, null);
    }

    Fixture(RegistryLimits limits, Mailbox mailbox) {
        service = new RegistryService(new InMemoryRegistryStore(), tokens, new GuestNames(new Random(7)), clock, limits);
        protocol = new RegistryProtocol(service, mailbox);
    }

    Fixture() {
        this(RegistryLimits.defaults());
    }

    final class Client {
        final RecordingConnection conn = new RecordingConnection();
        final RegistrySession session;

        Client(String address) {
            session = service.open(conn, address, true);
        }

        JsonObject call(String json) {
            JsonObject request = Frames.parse(json.getBytes(StandardCharsets.UTF_8));
            if (request == null) {
                throw new IllegalArgumentException("test JSON invalid: " + json);
            }
            return protocol.handle(session, request);
        }
    }

    private int clients;

    /** A client from an address of its own, so per-address limits only bite where a test wants them. */
    Client client() {
        int n = clients++;
        return new Client("10.0." + n / 250 + "." + n % 250);
    }

    String token(String name) {
        return tokens.mint(name, clock.instant().getEpochSecond() + 3600);
    }

    Client account(String name) {
        Client c = client();
        JsonObject w = c.call("{\"op\":\"hello\",\"v\":1,\"token\":\"" + token(name) + "\"}");
        if (!w.get("op").getAsString().equals("welcome")) {
            throw new AssertionError(w.toString());
        }
        return c;
    }

    static String peerId(int n) {
        return String.format("%064x", n);
    }
}
