package org.nimbus.conformance.tc;

/**
 * The two {@code connect} variants servers meet (docs/interop.md, RFC 7425 §5.2): librtmfp's
 * transaction id 0.0 with the argument object right after it, and Flash Player's 1.0.
 * Both use objectEncoding 3.
 */
public enum ConnectStyle {
    LIBRTMFP(0.0, "WIN 20,0,0,286"),
    FLASH(1.0, "WIN 32,0,0,465");

    public final double transactionId;
    public final String flashVer;

    ConnectStyle(double transactionId, String flashVer) {
        this.transactionId = transactionId;
        this.flashVer = flashVer;
    }

    /** The connect command object, property order as the client sends it. */
    public AmfObject connectObject(String app, String tcUrl) {
        AmfObject o = new AmfObject().with("app", app).with("flashVer", flashVer).with("swfUrl", "")
                .with("tcUrl", tcUrl).with("fpad", false).with("capabilities", this == LIBRTMFP ? 235.0 : 239.0)
                .with("audioCodecs", 3575.0).with("videoCodecs", 252.0).with("videoFunction", 1.0)
                .with("pageUrl", "");
        return o.with("objectEncoding", 3.0);
    }

    public Command connect(String app, String tcUrl) {
        return new Command("connect", transactionId, java.util.List.of(connectObject(app, tcUrl)));
    }
}
