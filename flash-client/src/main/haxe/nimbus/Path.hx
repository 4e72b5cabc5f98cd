package nimbus;

/** How a conversation's messages travel. */
enum abstract Path(String) to String {
    var P2P = "p2p";
    var RELAY = "relay";
}

/** The page's RTMFP NetConnection. */
enum RtmfpState {
    Pending;
    Up;
    /** No event within the timeout (Ruffle never gives one), refused, or closed. */
    Down(reason:String);
}

/** The direct NetStream pair with one conversation's target. */
enum DirectState {
    /** Nothing tried yet (RTMFP not up, or the target's peer IDs not known). */
    Idle;
    /** Playing the target's stream, waiting for the target to subscribe to ours. */
    Trying(sinceMs:Float);
    /** The target subscribes to our stream with this peer ID: we can send to it. */
    Open(peerId:String);
    Failed(reason:String);
}
