package org.nimbus.red5;

import org.red5.server.BaseConnection;
import org.red5.server.api.IConnection;
import org.red5.server.api.Red5;
import org.red5.server.api.scope.IScope;
import org.red5.server.api.scope.IBroadcastScope;
import org.red5.server.api.stream.IClientBroadcastStream;
import org.red5.server.api.stream.IClientStream;
import org.red5.server.api.stream.IStreamCapableConnection;
import org.red5.server.stream.IProviderService;
import org.red5.server.stream.StreamService;

/**
 * Red5's stream service with live semantics as Flash Media Server and Cirrus-era apps expect,
 * for RTMP and RTMFP clients alike (docs/interop.md, "NetStreams through the server"):
 * <ul>
 * <li>{@code play(name)} of a live name nobody publishes yet (and no recorded file of that name)
 * answers {@code NetStream.Play.Reset} + {@code Play.Start} at once and waits: the player is
 * subscribed to the name, gets {@code Play.PublishNotify} and the media when a publisher comes,
 * {@code Play.UnpublishNotify} when it goes. Red5 1.3.17 answers start -2 (the default) by
 * subscribing only after a fixed 15 s, so such a play is made a live-only play (-1), which
 * {@link LiveProviderService} lets wait;</li>
 * <li>{@code deleteStream} and a connection's close end its streams whatever the connection's
 * "duty": 1.3.17 closes them only for a PUBLISHER, which nothing sets, so a publisher that left
 * kept its name ({@code NetStream.Publish.BadName}) and its players never heard of it. Later Red5
 * versions dropped that test too.</li>
 * </ul>
 * Configured as the {@code streamService} bean in conf/red5-common.xml.
 */
public class LiveStreamService extends StreamService {
    /** Start values of NetStream.play in milliseconds as clients send them: -2 s live or recorded, -1 s live only. */
    static final int LIVE_OR_RECORDED = -2000;
    static final int LIVE_ONLY = -1000;

    @Override
    public void play(String name, int start, int length, boolean flushPlaylist) {
        StreamCounters.played();
        if (start == LIVE_OR_RECORDED && length < 0 && name != null && !name.isEmpty() && nothingToPlay(name)) {
            start = LIVE_ONLY;
        }
        super.play(name, start, length, flushPlaylist);
    }

    /** Every publish overload of StreamService ends here. */
    @Override
    public void publish(String name, String mode) {
        StreamCounters.published();
        super.publish(name, mode);
    }

    /** Neither published now nor recorded: what only a future publisher can give. */
    private static boolean nothingToPlay(String name) {
        IConnection conn = Red5.getConnectionLocal();
        IScope scope = conn == null ? null : conn.getScope();
        if (scope == null || !scope.getContext().hasBean(IProviderService.BEAN_NAME)) {
            return false;
        }
        IProviderService providers = (IProviderService) scope.getContext().getBean(IProviderService.BEAN_NAME);
        int q = name.indexOf('?');
        String plain = q >= 0 ? name.substring(0, q) : name;
        // start 0 asks for a recorded stream only: NOT_FOUND there means no live and no file
        return providers.lookupProviderInput(scope, plain, 0) == IProviderService.INPUT_TYPE.NOT_FOUND;
    }

    /** As Red5's, without 1.3.17's "only a PUBLISHER's streams close" test. */
    @Override
    public void deleteStream(IStreamCapableConnection conn, Number streamId) {
        IClientStream stream = conn.getStreamById(streamId);
        if (stream != null) {
            if (stream instanceof IClientBroadcastStream bs && conn instanceof BaseConnection base) {
                IBroadcastScope scope = getBroadcastScope(base.getScope(), bs.getPublishedName());
                if (scope != null) {
                    base.unregisterBasicScope(scope);
                }
            }
            stream.close();
        }
        conn.unreserveStreamId(streamId);
    }
}
