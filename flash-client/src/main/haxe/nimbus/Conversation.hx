package nimbus;

import nimbus.Path;

/**
 * Path choice for one conversation. Messages never wait for a direct connection: until one
 * is open they go through the registry's relayed send, and the path changes to p2p once the
 * target's subscriber stream is there. A direct attempt that stays unanswered past the
 * timeout fails, so a Ruffle page or a firewalled peer settles on relay for good.
 */
class Conversation {
    public final name:String;
    public var direct(default, null):DirectState = Idle;
    var reported:Null<Path> = null;
    var reportedReason:String = "";

    public function new(name:String) {
        this.name = name;
    }

    public static function choose(rtmfp:RtmfpState, direct:DirectState):{path:Path, reason:String} {
        switch rtmfp {
            case Pending:
                return {path: RELAY, reason: "rtmfp-pending"};
            case Down(r):
                return {path: RELAY, reason: "rtmfp-unavailable: " + r};
            case Up:
        }
        return switch direct {
            case Open(_): {path: P2P, reason: "direct"};
            case Trying(_): {path: RELAY, reason: "direct-pending"};
            case Failed(r): {path: RELAY, reason: "direct-failed: " + r};
            case Idle: {path: RELAY, reason: "direct-not-tried"};
        }
    }

    /**
     * The peer ID a direct attempt goes to: the newest of the target's peer IDs, or null when the
     * registry gave none (offline, or registered relay-only: reachable through relay only).
     */
    public static function directCandidate(peerIds:Null<Array<String>>):Null<String> {
        return peerIds == null || peerIds.length == 0 ? null : peerIds[0];
    }

    /** Whether a direct attempt should start now: RTMFP is up and nothing is open or in flight. */
    public function shouldTry(rtmfp:RtmfpState):Bool {
        return rtmfp == Up && direct.match(Idle);
    }

    public function setDirect(state:DirectState):Void {
        direct = state;
    }

    /** Fails an attempt older than timeoutMs; true when it did. */
    public function expire(nowMs:Float, timeoutMs:Float):Bool {
        switch direct {
            case Trying(since) if (nowMs - since >= timeoutMs):
                direct = Failed('no direct connection within ${Std.int(timeoutMs)} ms');
                return true;
            default:
                return false;
        }
    }

    /** The peer ID to send to directly, or null for relay. */
    public function directPeer(rtmfp:RtmfpState):Null<String> {
        return switch [rtmfp, direct] {
            case [Up, Open(id)]: id;
            default: null;
        }
    }

    /**
     * The path to report when it differs from the last one reported (or first time), else
     * null: onStatus tells the page about changes, not about every message.
     */
    public function pathChange(rtmfp:RtmfpState):Null<{path:Path, reason:String}> {
        var c = choose(rtmfp, direct);
        if (c.path == reported && (c.path == P2P || c.reason == reportedReason)) {
            return null;
        }
        reported = c.path;
        reportedReason = c.reason;
        return c;
    }
}
