package nimbus;

/**
 * Reconnect delays: exponential from baseMs, capped at maxMs, each spread by ±jitter so that
 * the pages a server restart disconnected do not all come back in the same instant.
 */
class Backoff {
    final baseMs:Float;
    final maxMs:Float;
    final jitter:Float;
    final random:() -> Float;
    var attempt = 0;

    public function new(baseMs:Float, maxMs:Float, jitter:Float, ?random:() -> Float) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = random != null ? random : Math.random;
    }

    /** The delay before the next attempt; each call counts one more failed attempt. */
    public function next():Int {
        var d = Math.min(maxMs, baseMs * Math.pow(2, attempt));
        if (attempt < 30) {
            attempt++;
        }
        return Std.int(Math.max(0, d * (1 - jitter + 2 * jitter * random())));
    }

    /** After a success the next failure starts from baseMs again. */
    public function reset():Void {
        attempt = 0;
    }

    public function attempts():Int {
        return attempt;
    }
}
