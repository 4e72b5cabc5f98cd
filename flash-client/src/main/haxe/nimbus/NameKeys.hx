package nimbus;

/**
 * User names as the registry compares them. The client never folds a name itself (NFKC and
 * case folding need Unicode tables a SWF does not carry): every registry frame that names a user
 * carries its key (docs/registry-protocol.md), and conversations are grouped by it, so
 * "Straße" and "STRASSE" are one conversation exactly when the server says they are one user.
 */
class NameKeys {
    final keys = new Map<String, String>();

    public function new() {}

    /** Remembers the server's key for a name as written; returns it (the name itself when the frame had none). */
    public function learn(name:String, key:Null<String>):String {
        var k = key == null || key == "" ? name : key;
        keys.set(name, k);
        return k;
    }

    /** The key the server gave for this exact spelling, or null before any frame named it. */
    public function keyOf(name:String):Null<String> {
        return keys.get(name);
    }

    public function clear():Void {
        keys.clear();
    }
}
