package org.nimbus.red5;

import org.red5.server.api.scope.IScope;
import org.red5.server.stream.ProviderService;

/**
 * Red5's provider service where a live-only play ({@code start} -1) of a name nobody publishes
 * waits for its publisher ({@code LIVE_WAIT}) instead of failing with StreamNotFound, as Flash
 * Media Server does; Red5 1.3.17 waits only for start -2, and then only after 15 s
 * ({@link LiveStreamService} turns such plays into live-only ones). Configured as the
 * {@code providerService} bean in conf/red5-common.xml, with {@code liveWaitSupport} on.
 */
public class LiveProviderService extends ProviderService {
    @Override
    public INPUT_TYPE lookupProviderInput(IScope scope, String name, int type) {
        INPUT_TYPE found = super.lookupProviderInput(scope, name, type);
        return found == INPUT_TYPE.NOT_FOUND && type == -1 && isLiveWaitSupport() ? INPUT_TYPE.LIVE_WAIT : found;
    }
}
