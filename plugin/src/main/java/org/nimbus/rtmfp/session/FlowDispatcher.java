package org.nimbus.rtmfp.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nimbus.rtmfp.flow.FlowStart;
import org.nimbus.rtmfp.flow.RecvFlow;

/**
 * Routes a session's flows to the service that speaks them, by the flow's user metadata
 * (RFC 7016 §2.3.11.1.1): RFC 7425's TC flows ("TC\x04\0") to the NetConnection layer, NetGroup
 * flows ("GC") to the group service, and so on. Every service also hears session open and close.
 * A flow whose metadata no service claims is rejected with a flow exception.
 */
public final class FlowDispatcher implements SessionListener {

    /** One upper-layer protocol riding on RTMFP flows. */
    public interface Service {
        /** True if this service speaks flows with this metadata. */
        boolean claims(byte[] metadata);

        default void onSessionOpened(Session session) {
        }

        /** 0 to accept the flow, or a flow exception code. */
        default long onFlowStarting(Session session, FlowStart start) {
            return 0;
        }

        void onMessage(Session session, RecvFlow flow, byte[] message);

        default void onRecvFlowComplete(Session session, RecvFlow flow) {
        }

        default void onSessionClosed(Session session) {
        }
    }

    private final List<Service> services = new ArrayList<>();
    private final Map<RecvFlow, Service> owners = new IdentityHashMap<>();
    private final Map<Session, List<RecvFlow>> flowsOf = new IdentityHashMap<>();

    /** Services are consulted in the order added; add them before the endpoint starts. */
    public FlowDispatcher add(Service service) {
        services.add(service);
        return this;
    }

    @Override
    public void onSessionOpened(Session session) {
        for (Service s : services) {
            s.onSessionOpened(session);
        }
    }

    @Override
    public long onFlowStarting(Session session, FlowStart start) {
        byte[] metadata = start.metadata().orElse(new byte[0]);
        for (Service s : services) {
            if (s.claims(metadata)) {
                return s.onFlowStarting(session, start);
            }
        }
        return Session.REJECTED_FLOW;
    }

    @Override
    public void onMessage(Session session, RecvFlow flow, byte[] message) {
        Service owner = owners.get(flow);
        if (owner == null) {
            byte[] metadata = flow.metadata().orElse(new byte[0]);
            for (Service s : services) {
                if (s.claims(metadata)) {
                    owner = s;
                    break;
                }
            }
            if (owner == null) {
                return;
            }
            owners.put(flow, owner);
            flowsOf.computeIfAbsent(session, k -> new ArrayList<>()).add(flow);
        }
        owner.onMessage(session, flow, message);
    }

    @Override
    public void onRecvFlowComplete(Session session, RecvFlow flow) {
        Service owner = owners.remove(flow);
        List<RecvFlow> list = flowsOf.get(session);
        if (list != null) {
            list.remove(flow);
        }
        if (owner != null) {
            owner.onRecvFlowComplete(session, flow);
        }
    }

    @Override
    public void onSessionClosed(Session session) {
        List<RecvFlow> list = flowsOf.remove(session);
        if (list != null) {
            list.forEach(owners::remove);
        }
        for (Service s : services) {
            s.onSessionClosed(session);
        }
    }

    /** A metadata test for services: does the flow's metadata start with these bytes? */
    public static boolean startsWith(byte[] metadata, byte[] prefix) {
        return metadata.length >= prefix.length && Arrays.equals(metadata, 0, prefix.length, prefix, 0, prefix.length);
    }
}
