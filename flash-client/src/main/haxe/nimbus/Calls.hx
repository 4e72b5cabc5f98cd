package nimbus;

/** The page's one call at a time. */
enum CallState {
    NoCall;
    /** We invited; camera and microphone are on (the user started the call). */
    Dialing(peerId:String, name:String);
    /** They invited; nothing is captured until the page answers. */
    Ringing(peerId:String, name:String);
    Active(peerId:String, name:String);
}

/**
 * Call signalling as a state machine, free of Flash APIs so its rules are unit-tested: an
 * incoming invite only rings (the page gets onCall and decides), capture starts when the user
 * starts a call or answers one, a second invite while busy is refused.
 */
class Calls {
    public var state(default, null):CallState = NoCall;

    public function new() {}

    /** The user calls: null when it may go ahead (now Dialing), else why not. */
    public function dial(peerId:String, name:String):Null<String> {
        return switch state {
            case NoCall:
                state = Dialing(peerId, name);
                null;
            case Dialing(_, n) | Ringing(_, n) | Active(_, n): 'already in a call with $n';
        }
    }

    /** An invite arrived: true when it rings now, false when we are busy (answer "busy"). */
    public function invited(peerId:String, name:String):Bool {
        if (state != NoCall) {
            return false;
        }
        state = Ringing(peerId, name);
        return true;
    }

    /** The page answers the ringing call: its peer and name, or null when nothing rings. */
    public function answer():Null<{peerId:String, name:String}> {
        return switch state {
            case Ringing(p, n):
                state = Active(p, n);
                {peerId: p, name: n};
            default: null;
        }
    }

    /** The page declines the ringing call: its peer and name, or null when nothing rings. */
    public function decline():Null<{peerId:String, name:String}> {
        return switch state {
            case Ringing(p, n):
                state = NoCall;
                {peerId: p, name: n};
            default: null;
        }
    }

    /** The peer we dialed accepted: true when that was our call. */
    public function accepted(peerId:String):Bool {
        return switch state {
            case Dialing(p, n) if (p == peerId):
                state = Active(p, n);
                true;
            default: false;
        }
    }

    /** The call with this peer ends (hung up, declined, busy, gone): its name, or null when it was not ours. */
    public function endedBy(peerId:String):Null<String> {
        return switch state {
            case Dialing(p, n) | Ringing(p, n) | Active(p, n) if (p == peerId):
                state = NoCall;
                n;
            default: null;
        }
    }

    /** The call in progress (any state but NoCall), or null. */
    public function current():Null<{peerId:String, name:String}> {
        return switch state {
            case Dialing(p, n) | Ringing(p, n) | Active(p, n): {peerId: p, name: n};
            case NoCall: null;
        }
    }

    /** Whether camera and microphone may be on. */
    public function capturing():Bool {
        return state.match(Dialing(_, _) | Active(_, _));
    }

    public function reset():Void {
        state = NoCall;
    }
}
