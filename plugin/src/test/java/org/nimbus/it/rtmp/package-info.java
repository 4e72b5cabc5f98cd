/**
 * An RTMP NetConnection client for integration tests, and the tests that use it.
 *
 * <p>{@link org.nimbus.it.rtmp.RtmpClient} connects a plain socket to a Red5 application
 * ({@code RtmpClient.connect("rtmp://127.0.0.1:" + port + "/nimbus", ObjectEncoding.AMF3)}),
 * calls server methods ({@code call("registry", request)} returns the {@code _result} value or
 * throws {@link org.nimbus.it.rtmp.RtmpCallException} with the {@code _error} object), and
 * receives the server's calls ({@code awaitCall("onRegistry")}). Only the handshake is written
 * here; chunking and AMF are Red5's own classes (red5-server-common, red5-io), so what the
 * tests send is what Red5 itself would write. Two things Red5 alone does not cover, because
 * it is a server: the client handshake (OutboundHandshake is in red5-client, not available),
 * done as the simple handshake Red5 accepts; and decoding the AMF3 connection's commands
 * Red5 sends (AMF0 messages whose values switch to AMF3 with the AVM+ marker).
 */
package org.nimbus.it.rtmp;
