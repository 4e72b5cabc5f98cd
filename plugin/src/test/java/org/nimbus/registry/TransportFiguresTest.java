package org.nimbus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's per-transport figures follow connections, names, lookups and relays as they happen. */
class TransportFiguresTest {
    private static final class Tcp extends RecordingConnectionShim {
        @Override
        public String transport() {
            return "tcp";
        }
    }

    /** A RecordingConnection with a transport name (RecordingConnection is final). */
    private static class RecordingConnectionShim implements RegistryConnection {
        @Override
        public void send(com.google.gson.JsonObject message) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void figuresPerTransportRiseAndFall() {
        Fixture f = new Fixture();
        List<String> timed = new ArrayList<>();
        f.service.lookupTimer(new RegistryService.LookupTimer() {
            @Override
            public long start() {
                return 42;
            }

            @Override
            public void stop(String transport, long start) {
                timed.add(transport + "@" + start);
            }
        });
        RegistrySession a = f.service.open(new Tcp(), "10.0.0.1", true);
        RegistrySession b = f.service.open(new Tcp(), "10.0.0.2", true);
        Fixture.Client other = f.client();
        TransportFigures.Figures tcp = f.service.transports().snapshot().get("tcp");
        assertEquals(2, tcp.connections());
        assertEquals(0, tcp.names());
        f.service.helloGuest(a);
        f.service.helloAccount(b, f.token("bob"));
        assertEquals(2, tcp.names());
        f.protocol.handle(a, org.nimbus.registry.Frames.parse("{\"op\":\"lookup\",\"name\":\"bob\",\"id\":1}".getBytes()));
        f.service.registerRelay(b);
        f.service.send(a, "bob", "hi");
        assertEquals(1, tcp.lookups());
        assertEquals(1, tcp.relays());
        assertEquals(List.of("tcp@42"), timed);
        f.service.close(b);
        f.service.close(b); // twice: counted once
        assertEquals(1, tcp.connections());
        assertEquals(1, tcp.names());
        assertEquals(1, f.service.transports().snapshot().get("other").connections());
        f.service.close(other.session);
        assertEquals(0, f.service.transports().snapshot().get("other").connections());
        f.service.legacyLookup("bob");
        assertEquals(1, f.service.transports().snapshot().get("reg.cgi").lookups());
    }
}
