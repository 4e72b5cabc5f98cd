package org.nimbus.conformance.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** The registry over plain TCP, as Flash's {@code flash.net.Socket} reaches it. */
public final class TcpRegistryConnection extends RegistryConnection {
    private final Socket socket;
    private final OutputStream out;

    public TcpRegistryConnection(InetSocketAddress address, Duration timeout) throws IOException {
        socket = new Socket();
        socket.connect(address, (int) timeout.toMillis());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    received(buf, 0, n);
                }
            } catch (IOException e) {
                // closed by either side
            }
            closedByServer.complete(null);
        }, "registry-tcp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public synchronized void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
