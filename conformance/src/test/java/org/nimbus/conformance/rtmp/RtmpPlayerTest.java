package org.nimbus.conformance.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nimbus.conformance.tc.AmfObject;
import org.nimbus.conformance.tc.Command;
import org.nimbus.conformance.tc.TcMessage;

/**
 * The player against a scripted server on loopback: the handshake (§5.2), what it sends
 * (Set Chunk Size, connect, createStream, play) and the obligations it keeps while playing
 * (Window Acknowledgement Size answer to Set Peer Bandwidth §5.4.5, PingResponse §7.1.7,
 * Acknowledgement per window §5.4.3). Control messages the server sends are written out by hand.
 */
class RtmpPlayerTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** The server's side of one connection: counts what it writes, reads the player's messages. */
    private static final class Script implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final ChunkReader reader = new ChunkReader();
        final ChunkWriter writer = new ChunkWriter();
        long written;
        /** The player's Acknowledgements (§5.4.3), in order, as they came between other messages. */
        final List<Long> acks = new ArrayList<>();

        Script(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(5000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            written += b.length;
        }

        byte[] read(int n) throws IOException {
            byte[] b = new byte[n];
            new DataInputStream(in).readFully(b);
            return b;
        }

        /** The player's next message (the reader is the one under test in ChunkReaderTest). */
        RtmpMessage next() throws IOException {
            byte[] one = new byte[1];
            RtmpMessage m;
            while ((m = reader.next()) == null) {
                if (in.read(one) < 0) {
                    throw new IOException("player closed");
                }
                reader.feed(one);
            }
            return m;
        }

        /** The next message that is not an Acknowledgement; those are recorded. */
        RtmpMessage nextSkippingAcks() throws IOException {
            RtmpMessage m;
            while ((m = next()).type() == RtmpMessage.ACKNOWLEDGEMENT) {
                acks.add(ChunkReader.be32(m.body()));
            }
            return m;
        }

        Command command() throws IOException {
            RtmpMessage m = nextSkippingAcks();
            assertEquals(RtmpMessage.COMMAND_AMF0, m.type());
            return Command.fromMessage(new TcMessage(TcMessage.COMMAND_AMF0, 0, m.body()));
        }

        void send(int csid, long streamId, Command c) throws IOException {
            write(writer.encode(csid, RtmpMessage.COMMAND_AMF0, 0, streamId, c.toMessage(TcMessage.COMMAND_AMF0).body()));
        }

        /** §5.2: reads C0+C1, answers S0+S1+S2 (S2 echoing C1 unless told otherwise), reads C2; returns S1. */
        byte[] handshake(boolean echo) throws IOException {
            byte[] c0c1 = read(1537);
            assertEquals(3, c0c1[0], "C0: version 3");
            assertArrayEquals(new byte[4], Arrays.copyOfRange(c0c1, 5, 9), "C1: zero field");
            byte[] s1 = new byte[1536];
            new java.util.Random(7).nextBytes(s1);
            Arrays.fill(s1, 0, 8, (byte) 0);
            byte[] s2 = Arrays.copyOfRange(c0c1, 1, 1537);
            if (!echo) {
                s2[100] ^= 1;
            }
            write(new byte[] {3});
            write(s1);
            write(s2);
            byte[] c2 = read(1536);
            assertArrayEquals(Arrays.copyOfRange(s1, 8, 1536), Arrays.copyOfRange(c2, 8, 1536), "C2 echoes S1's random bytes");
            assertArrayEquals(Arrays.copyOfRange(s1, 0, 4), Arrays.copyOfRange(c2, 0, 4), "C2 echoes S1's time");
            return s1;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static AmfObject status(String code) {
        return new AmfObject().with("level", "status").with("code", code);
    }

    @Test
    void connectsPlaysAndKeepsItsObligations() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = ss.getLocalPort();
            List<Long> acks = new ArrayList<>();
            CompletableFuture<Long> server = CompletableFuture.supplyAsync(() -> {
                try (Script s = new Script(ss.accept())) {
                    s.handshake(true);
                    // §5.4.1 Set Chunk Size 4096 from the player: csid 2, type 1, stream 0, length 4
                    RtmpMessage scs = s.next();
                    assertEquals(RtmpMessage.SET_CHUNK_SIZE, scs.type());
                    assertArrayEquals(hex("00001000"), scs.body());
                    assertEquals(4096, s.reader.chunkSize());
                    Command connect = s.command();
                    assertEquals("connect", connect.name());
                    assertEquals(1.0, connect.transactionId());
                    AmfObject o = connect.infoObject();
                    assertEquals("live", o.string("app"));
                    assertEquals("rtmp://127.0.0.1:" + port + "/live", o.string("tcUrl"));
                    assertEquals(0.0, o.get("objectEncoding"));
                    // Window Acknowledgement Size 100, then Set Peer Bandwidth 2 500 000 (0x2625a0), dynamic
                    s.write(hex("02 000000 000004 05 00000000 00000064"));
                    s.write(hex("02 000000 000005 06 00000000 002625a0 02"));
                    s.send(3, 0, new Command("_result", 1, Arrays.asList(null, status("NetConnection.Connect.Success"))));
                    // §5.4.5: the player answers with its Window Acknowledgement Size
                    RtmpMessage m = s.nextSkippingAcks();
                    assertEquals(RtmpMessage.WINDOW_ACK_SIZE, m.type());
                    assertArrayEquals(hex("002625a0"), m.body());
                    Command create = s.command();
                    assertEquals("createStream", create.name());
                    s.send(3, 0, new Command("_result", create.transactionId(), Arrays.asList(null, 1.0)));
                    Command play;
                    while (!"play".equals((play = s.command()).name())) {
                        // nothing else expected, but tolerate none
                    }
                    assertEquals(Arrays.asList(null, "x", -2000.0), play.args());
                    s.send(5, 1, new Command("onStatus", 0, Arrays.asList(null, status("NetStream.Play.Reset"))));
                    s.send(5, 1, new Command("onStatus", 0, Arrays.asList(null, status("NetStream.Play.Start"))));
                    // §7.1.7: PingRequest (event 6) with timestamp 0x1234 → PingResponse (7), same timestamp
                    s.write(hex("02 000000 000006 04 00000000 0006 00001234"));
                    // then 1 000 bytes of audio: at least one window's worth
                    s.write(s.writer.encode(4, RtmpMessage.AUDIO, 40, 1, new byte[1000]));
                    long total = s.written;
                    boolean ponged = false;
                    while (true) {
                        try {
                            m = s.next();
                        } catch (java.net.SocketTimeoutException e) {
                            break; // the client-side assertions say what was missing
                        }
                        if (m.type() == RtmpMessage.USER_CONTROL) {
                            assertArrayEquals(hex("0007 00001234"), m.body());
                            ponged = true;
                        } else if (m.type() == RtmpMessage.ACKNOWLEDGEMENT) {
                            long v = ChunkReader.be32(m.body());
                            s.acks.add(v);
                            if (ponged && total - v < 100) {
                                break;
                            }
                        }
                    }
                    assertTrue(ponged, "PingResponse");
                    for (int i = 1; i < s.acks.size(); i++) {
                        assertTrue(s.acks.get(i) - s.acks.get(i - 1) >= 100, "a window apart: " + s.acks);
                    }
                    acks.addAll(s.acks);
                    return total;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (RtmpPlayer p = RtmpPlayer.connect(URI.create("rtmp://127.0.0.1:" + port + "/live"), Duration.ofSeconds(5))) {
                play(p, server, acks);
            } catch (IOException e) {
                server.get(10, TimeUnit.SECONDS); // the scripted server's own failure, if that is why
                throw e;
            }
        }
    }

    private static void play(RtmpPlayer p, CompletableFuture<Long> server, List<Long> acks) throws Exception {
        assertEquals("NetConnection.Connect.Success", p.connectInfo().string("code"));
        long sid = p.createStream(Duration.ofSeconds(5));
        assertEquals(1, sid);
        p.play(sid, "x", Duration.ofSeconds(5));
        RtmpMessage audio = p.await(m -> m.type() == RtmpMessage.AUDIO, Duration.ofSeconds(5));
        assertEquals(1000, audio.body().length);
        assertEquals(40, audio.timestamp());
        assertEquals("NetStream.Play.Reset", RtmpPlayer.statusCode(p.await(m -> true, Duration.ofSeconds(1)), 1),
                "the Reset passed over by play() stays queued");
        long total = server.get(10, TimeUnit.SECONDS);
        assertEquals(total, p.bytesReceived(), "handshake and chunk stream bytes counted");
        long last = acks.get(acks.size() - 1);
        // §5.4.3: once everything is read, less than a window stays unacknowledged
        assertTrue(total - last < 100 && last <= total, "last Acknowledgement " + last + " of " + total + " bytes");
    }

    @Test
    void anS2ThatDoesNotEchoC1IsRefused() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Script s = new Script(ss.accept())) {
                    s.handshake(false);
                    s.read(1); // until the player hangs up
                } catch (IOException e) {
                    // the player closed the connection: expected
                }
            });
            URI url = URI.create("rtmp://127.0.0.1:" + ss.getLocalPort() + "/live");
            assertThrows(RtmpProtocolException.class, () -> RtmpPlayer.connect(url, Duration.ofSeconds(5)));
            server.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedConnectThrows() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Script s = new Script(ss.accept())) {
                    s.handshake(true);
                    s.next();
                    Command c = s.command();
                    s.send(3, 0, new Command("_error", c.transactionId(), Arrays.asList(null,
                            new AmfObject().with("level", "error").with("code", "NetConnection.Connect.Rejected"))));
                    s.read(1);
                } catch (IOException e) {
                    // closed by the player
                }
            });
            URI url = URI.create("rtmp://127.0.0.1:" + ss.getLocalPort() + "/nope");
            RtmpCallException e = assertThrows(RtmpCallException.class, () -> RtmpPlayer.connect(url, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("Rejected"), e.getMessage());
            server.get(10, TimeUnit.SECONDS);
        }
    }
}
