package org.nimbus.it.tc;

import java.util.ArrayList;
import java.util.List;
import org.nimbus.red5.RtmfpConnection;
import org.red5.server.adapter.MultiThreadedApplicationAdapter;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.api.scope.IScope;
import org.red5.server.api.service.IServiceCapableConnection;
import org.red5.server.api.stream.IBroadcastStream;
import org.red5.server.api.stream.ISubscriberStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a test-only Red5 application ("tcapp"), installed only into the ITs' copy of
 * the install: it logs what Red5 lets an application see of RTMFP connections (each line is
 * awaited by TcNetConnectionIT) and offers service methods for call round trips.
 */
public class TcTestApplication extends MultiThreadedApplicationAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcTestApplication.class);

    private static String who(IConnection conn) {
        return conn instanceof RtmfpConnection r ? "rtmfp:" + r.peerId() : conn.getProtocol() + ":" + conn.getSessionId();
    }

    @Override
    public boolean appConnect(IConnection conn, Object[] params) {
        if (params != null && params.length > 0 && "reject".equals(params[0])) {
            log.info("TcTestApplication refuses {}", who(conn));
            rejectClient("not welcome here");
        }
        log.info("TcTestApplication appConnect {} {} client {}", who(conn), conn.getClass().getSimpleName(),
                conn.getClient() == null ? null : conn.getClient().getId());
        return super.appConnect(conn, params);
    }

    @Override
    public boolean roomJoin(org.red5.server.api.IClient client, IScope room) {
        log.info("TcTestApplication roomJoin {} {}", who(Red5.getConnectionLocal()), room.getName());
        return super.roomJoin(client, room);
    }

    @Override
    public void appDisconnect(IConnection conn) {
        log.info("TcTestApplication appDisconnect {}", who(conn));
        super.appDisconnect(conn);
    }

    @Override
    public void streamBroadcastStart(IBroadcastStream stream) {
        log.info("TcTestApplication broadcast start {}", stream.getPublishedName());
        super.streamBroadcastStart(stream);
    }

    @Override
    public void streamBroadcastClose(IBroadcastStream stream) {
        log.info("TcTestApplication broadcast close {}", stream.getPublishedName());
        super.streamBroadcastClose(stream);
    }

    @Override
    public void streamPlayItemPlay(ISubscriberStream stream, org.red5.server.api.stream.IPlayItem item, boolean isLive) {
        log.info("TcTestApplication play {} {}", item.getName(), stream.getConnection().getClass().getSimpleName());
        super.streamPlayItemPlay(stream, item, isLive);
    }

    /** Returns its first argument: the call round trip. */
    public Object echo(Object value) {
        return value;
    }

    /** The connections of this application as Red5's scope lists them: "protocol:class". */
    public List<String> connections() {
        List<String> out = new ArrayList<>();
        for (IConnection c : scope.getClientConnections()) {
            out.add(c.getProtocol() + ":" + c.getClass().getSimpleName());
        }
        return out;
    }

    /** Server → client: invokes {@code method} on the caller and logs the answer. */
    public boolean callMeBack(String method) {
        IConnection conn = Red5.getConnectionLocal();
        ((IServiceCapableConnection) conn).invoke(method, new Object[] {"from-server"},
                call -> log.info("TcTestApplication callback {} result {}", who(conn), call.getResult()));
        return true;
    }
}
