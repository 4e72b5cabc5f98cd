package org.nimbus.tc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The NetConnection answers the TC layer writes itself (RFC 7425 §5.2): {@code _result} and
 * {@code _error} with the caller's transaction ID, a null command object, then the value or the
 * info object. Clients act on {@code level} and {@code code} (docs/interop.md).
 */
public final class Replies {
    public static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
    public static final String CONNECT_REJECTED = "NetConnection.Connect.Rejected";
    public static final String CONNECT_FAILED = "NetConnection.Connect.Failed";
    public static final String CONNECT_INVALID_APP = "NetConnection.Connect.InvalidApp";
    public static final String CALL_FAILED = "NetConnection.Call.Failed";
    public static final String CALL_BAD_VALUE = "NetConnection.Call.BadValue";

    private Replies() {
    }

    public static TcMessage result(double transactionId, Object value) {
        return TcCommand.encode("_result", transactionId, null, value);
    }

    public static TcMessage error(double transactionId, Map<String, Object> info) {
        return TcCommand.encode("_error", transactionId, null, info);
    }

    /** An info object: level, code, description, in the order Flash Media Server writes them. */
    public static Map<String, Object> info(String level, String code, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("code", code);
        m.put("description", description);
        return m;
    }

    /** {@code _error} NetConnection.Call.Failed (or another code) for a call that cannot be served. */
    public static TcMessage callFailed(double transactionId, String code, String description) {
        return error(transactionId, info("error", code, description));
    }

    /**
     * The success info object of {@code connect}. Flash takes {@code nearID} from its own
     * certificate and {@code farID} from the server's; the IDs are also written here, as
     * tcserver and Cumulus-family servers do, for clients and tools that read them from the
     * reply: {@code connectionID}/{@code nearID} = the client's peer ID, {@code farID}/
     * {@code serverFingerprint} = SHA-256 of the server certificate (RFC 7425 §4.3.2).
     */
    public static Map<String, Object> connectSuccess(int objectEncoding, String clientPeerIdHex, String serverFingerprintHex) {
        Map<String, Object> m = info("status", CONNECT_SUCCESS, "Connection succeeded.");
        m.put("objectEncoding", (double) objectEncoding);
        m.put("connectionID", clientPeerIdHex);
        m.put("nearID", clientPeerIdHex);
        m.put("farID", serverFingerprintHex);
        m.put("serverFingerprint", serverFingerprintHex);
        return m;
    }
}
