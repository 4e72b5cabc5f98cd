package org.nimbus.red5;

import org.red5.server.api.scope.IBroadcastScope;
import org.red5.server.api.scope.IScope;
import org.red5.server.api.stream.IBroadcastStream;
import org.red5.server.stream.ProviderService;

/**
 * Red5's provider service where a live-only play ({@code start} -1) of a name nobody publishes
 * waits for its publisher ({@code LIVE_WAIT}) instead of failing with StreamNotFound, as Flash
 * Media Server does; Red5 1.3.17 waits only for start -2, and then only after 15 s
 * ({@link LiveStreamService} turns such plays into live-only ones). Configured as the
 * {@code providerService} bean in conf/red5-common.xml, with {@code liveWaitSupport} on.
 *
 * <p>It also lets a departed publisher's broadcast scope go. Red5 1.3.17 removes it only when
 * the publisher's close comes with the stream and the scope has no event listener left; the
 * publisher's own connection is usually still one at that moment, and the stream-less form
 * never removes it. Every published name then stayed a child of the application scope,
 * holding the stream, its connection and (over RTMFP) its session: about 14 KB per visit in
 * the kit's soak (RELIABILITY.md "Soak").
 */
public class LiveProviderService extends ProviderService {
    @Override
    public INPUT_TYPE lookupProviderInput(IScope scope, String name, int type) {
        INPUT_TYPE found = super.lookupProviderInput(scope, name, type);
        return found == INPUT_TYPE.NOT_FOUND && type == -1 && isLiveWaitSupport() ? INPUT_TYPE.LIVE_WAIT : found;
    }

    @Override
    public boolean unregisterBroadcastStream(IScope scope, String name, IBroadcastStream bs) {
        boolean gone = super.unregisterBroadcastStream(scope, name, bs);
        IBroadcastScope left = gone || scope == null ? null : scope.getBroadcastScope(name);
        if (left != null && left.getProviders().isEmpty() && left.getConsumers().isEmpty()) {
            // nobody publishes or plays the name: nothing can use the scope again (a later
            // publish or play of the name makes a new one)
            scope.removeChildScope(left);
            return scope.getBroadcastScope(name) == null;
        }
        return gone;
    }
}
