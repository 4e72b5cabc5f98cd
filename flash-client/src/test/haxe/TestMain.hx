import haxe.io.Bytes;
import nimbus.Backoff;
import nimbus.Calls;
import nimbus.NameKeys;
import nimbus.Conversation;
import nimbus.FrameCodec;
import nimbus.Limits;
import nimbus.Path;

/**
 * Unit tests of the client's own logic (framing, backoff, path choice, input limits), run on
 * Haxe's interpreter by the Maven build: the same sources are compiled into the SWF.
 */
class TestMain {
    static var passed = 0;
    static var failed = 0;
    static var current = "";

    static function main() {
        run("frame encode: big-endian length then UTF-8", frameEncode);
        run("frame decode: split at every byte", frameSplit);
        run("frame decode: several frames in one chunk, rest kept", frameMany);
        run("frame decode: too large length is refused", frameTooLarge);
        run("frame decode: large frame grows the buffer", frameLarge);
        run("backoff: doubles, caps, resets", backoffDoubles);
        run("backoff: jitter stays within bounds", backoffJitter);
        run("path: relay until RTMFP up and direct open", pathChoice);
        run("path: direct attempt expires into relay", pathExpire);
        run("path: changes reported once", pathReported);
        run("path: no direct attempt without a peer ID (relay-only target)", pathRelayOnlyTarget);
        run("limits: base64 length prefilter", limitsBase64);
        run("limits: name shape", limitsName);
        run("registry cases: text lengths are code points, as the server counts them", casesTextLengths);
        run("registry cases: the length limit is exact at the boundary, emoji included", casesTextLimit);
        run("registry cases: names group by the server's key, never by the client's own folding", casesNameKeys);
        run("calls: an invite only rings; capture starts at answer", callsAnswer);
        run("calls: decline, busy, and answer with nothing ringing", callsDecline);
        run("calls: our own call, accepted then hung up by the peer", callsDial);
        Sys.println('$passed passed, $failed failed');
        Sys.exit(failed == 0 ? 0 : 1);
    }

    static function run(name:String, f:() -> Void) {
        current = name;
        try {
            f();
            passed++;
        } catch (e:haxe.Exception) {
            failed++;
            Sys.println('FAIL $name: ${e.message}');
        } catch (e:Dynamic) {
            failed++;
            Sys.println('FAIL $name: $e');
        }
    }

    static function eq<T>(expected:T, actual:T, ?what:String) {
        if (expected != actual) {
            throw new haxe.Exception('${what == null ? "" : what + ": "}expected $expected, got $actual');
        }
    }

    static function isTrue(c:Bool, what:String) {
        if (!c) {
            throw new haxe.Exception(what);
        }
    }

    static function pathRelayOnlyTarget() {
        eq(null, Conversation.directCandidate(null), "not looked up yet");
        eq(null, Conversation.directCandidate([]), "offline, or online through relay only");
        eq("b", Conversation.directCandidate(["b", "a"]), "the newest registration");
    }

    static function frameEncode() {
        var f = FrameCodec.encode('{"t":"é"}');
        eq("0000000a7b2274223a22c3a9227d", f.toHex());
    }

    static function frameSplit() {
        var a = FrameCodec.encode('{"op":"ping"}');
        var b = FrameCodec.encode('{"op":"message","text":"日本 ok"}');
        var all = Bytes.alloc(a.length + b.length);
        all.blit(0, a, 0, a.length);
        all.blit(a.length, b, 0, b.length);
        var d = new FrameCodec(1000);
        var got = [];
        for (i in 0...all.length) {
            for (s in d.push(all, i, 1)) {
                got.push(s);
            }
        }
        eq(2, got.length, "frames");
        eq('{"op":"ping"}', got[0]);
        eq('{"op":"message","text":"日本 ok"}', got[1]);
        eq(0, d.pending(), "left over");
    }

    static function frameMany() {
        var parts = [for (i in 0...5) FrameCodec.encode('{"id":$i}')];
        var total = 0;
        for (p in parts) total += p.length;
        var all = Bytes.alloc(total);
        var at = 0;
        for (p in parts) {
            all.blit(at, p, 0, p.length);
            at += p.length;
        }
        var d = new FrameCodec(1000);
        // everything but the last two bytes: four whole frames, the fifth held back
        var got = d.push(all, 0, total - 2);
        eq(4, got.length, "frames in first chunk");
        eq('{"id":3}', got[3]);
        eq(parts[4].length - 2, d.pending(), "held");
        got = d.push(all, total - 2, 2);
        eq(1, got.length);
        eq('{"id":4}', got[0]);
    }

    static function frameTooLarge() {
        var d = new FrameCodec(16);
        var ok = d.push(FrameCodec.encode('{"a":1}'));
        eq(1, ok.length);
        var threw = false;
        try {
            d.push(FrameCodec.encode('{"a":"0123456789abcdef"}'));
        } catch (e:FrameTooLarge) {
            threw = true;
            eq(16, e.max);
        }
        isTrue(threw, "a 24-byte frame passed a 16-byte limit");
        // a length prefix with the top bit set must not read as a small negative size
        var d2 = new FrameCodec(65536);
        threw = false;
        try {
            d2.push(Bytes.ofHex("ffffffff00"));
        } catch (e:FrameTooLarge) {
            threw = true;
        }
        isTrue(threw, "length 0xffffffff accepted");
    }

    static function frameLarge() {
        var text = [for (i in 0...5000) "x"].join("");
        var d = new FrameCodec(65536);
        var f = FrameCodec.encode('{"text":"$text"}');
        eq(0, d.push(f, 0, 3000).length);
        var got = d.push(f, 3000, f.length - 3000);
        eq(1, got.length);
        eq(text, haxe.Json.parse(got[0]).text);
    }

    static function backoffDoubles() {
        var b = new Backoff(500, 8000, 0, () -> 0.5);
        eq("500,1000,2000,4000,8000,8000", [for (i in 0...6) b.next()].join(","));
        b.reset();
        eq(500, b.next(), "after reset");
    }

    static function backoffJitter() {
        var lo = new Backoff(1000, 30000, 0.2, () -> 0.0);
        var hi = new Backoff(1000, 30000, 0.2, () -> 0.999999);
        eq(800, lo.next());
        isTrue(hi.next() >= 1199 && hi.next() <= 2400, "upper jitter bound");
        var capped = new Backoff(1000, 30000, 0.2, () -> 0.999999);
        for (i in 0...40) capped.next();
        isTrue(capped.next() <= 36000, "cap plus jitter");
    }

    static function pathChoice() {
        eq(RELAY, Conversation.choose(Pending, Open("ab")).path, "pending");
        var down = Conversation.choose(Down("timeout"), Open("ab"));
        eq(RELAY, down.path);
        eq("rtmfp-unavailable: timeout", down.reason);
        eq(RELAY, Conversation.choose(Up, Idle).path, "idle");
        eq(RELAY, Conversation.choose(Up, Trying(0)).path, "trying");
        eq(RELAY, Conversation.choose(Up, Failed("x")).path, "failed");
        eq(P2P, Conversation.choose(Up, Open("ab")).path, "open");
        var c = new Conversation("bob");
        isTrue(!c.shouldTry(Pending), "tries before RTMFP is up");
        isTrue(c.shouldTry(Up), "does not try once up");
        c.setDirect(Trying(0));
        isTrue(!c.shouldTry(Up), "tries twice");
        eq(null, c.directPeer(Up));
        c.setDirect(Open("ab"));
        eq("ab", c.directPeer(Up));
        eq(null, c.directPeer(Down("closed")), "direct peer after RTMFP closed");
    }

    static function pathExpire() {
        var c = new Conversation("bob");
        c.setDirect(Trying(1000));
        isTrue(!c.expire(5999, 5000), "expired early");
        isTrue(c.expire(6000, 5000), "did not expire");
        eq(RELAY, Conversation.choose(Up, c.direct).path);
        isTrue(!c.expire(99999, 5000), "expired twice");
        c.setDirect(Open("ab"));
        isTrue(!c.expire(99999, 5000), "an open connection expired");
    }

    static function pathReported() {
        var c = new Conversation("bob");
        var first = c.pathChange(Down("timeout"));
        eq(RELAY, first.path);
        eq(null, c.pathChange(Down("timeout")), "same path reported twice");
        c.setDirect(Open("ab"));
        eq(null, c.pathChange(Down("timeout")), "open but RTMFP down");
        eq(P2P, c.pathChange(Up).path);
        eq(null, c.pathChange(Up));
        c.setDirect(Failed("closed"));
        eq("direct-failed: closed", c.pathChange(Up).reason);
    }

    static function limitsBase64() {
        // 4096 code points of up to 4 UTF-8 bytes: 16384 bytes, at most 21848 base64 characters
        isTrue(Limits.base64MayFit(21848, 4096), "largest fitting text refused");
        isTrue(!Limits.base64MayFit(21852, 4096), "too long text passed");
        isTrue(!Limits.base64MayFit(1398104, 4096), "1 MB passed");
        var b = haxe.crypto.Base64.encode(Bytes.ofString([for (i in 0...4096) "語"].join("")));
        isTrue(Limits.base64MayFit(b.length, 4096), "4096 CJK characters refused");
        var e = haxe.crypto.Base64.encode(Bytes.ofString([for (i in 0...4096) "\u{1F600}"].join("")));
        isTrue(Limits.base64MayFit(e.length, 4096), "4096 emoji refused");
    }

    static function limitsName() {
        isTrue(Limits.validName("alice"), "alice");
        isTrue(Limits.validName("guest-abcd2345"), "guest");
        isTrue(Limits.validName("Ünïcødé.name_1-2"), "unicode");
        isTrue(!Limits.validName(""), "empty");
        isTrue(!Limits.validName("a b"), "space");
        isTrue(!Limits.validName("a\u0000b"), "NUL");
        isTrue(!Limits.validName(null), "null");
    }

    /** docs/registry-cases.json: the cases the server's RegistryCasesTest checks too. */
    static function cases():Dynamic {
        return haxe.Json.parse(sys.io.File.getContent("../docs/registry-cases.json"));
    }

    static function casesTextLengths() {
        var texts:Array<Dynamic> = cases().texts;
        isTrue(texts.length >= 5, "cases read");
        for (t in texts) {
            eq((t.codePoints : Int), Limits.codePoints(t.text), t.text);
        }
    }

    static function casesTextLimit() {
        var all = cases();
        eq((all.maxTextChars : Int), Limits.MAX_TEXT_CHARS, "the client's limit is the server's default");
        var texts:Array<Dynamic> = all.texts;
        for (t in texts) {
            var points = [for (c in new haxe.iterators.StringIteratorUnicode(t.text)) c];
            if (points.length == 0) {
                continue;
            }
            var b = new StringBuf();
            for (i in 0...Limits.MAX_TEXT_CHARS) {
                b.addChar(points[i % points.length]);
            }
            var fill = b.toString();
            isTrue(Limits.textFits(fill), "exactly the limit of " + t.text);
            isTrue(!Limits.textFits(fill + "x"), "one past the limit of " + t.text);
        }
    }

    static function casesNameKeys() {
        var names:Array<Dynamic> = cases().names;
        var keys = new NameKeys();
        var byKey = new Map<String, Array<String>>();
        for (n in names) {
            // what a frame from the server carries: the name as written and its key
            var k = keys.learn(n.name, n.key);
            eq((n.key : String), k, n.name);
            if (!byKey.exists(k)) {
                byKey.set(k, []);
            }
            byKey.get(k).push(n.name);
        }
        eq("strasse", keys.keyOf("Stra\u00dfe"), "Straße");
        eq(keys.keyOf("STRASSE"), keys.keyOf("Stra\u00dfe"), "STRASSE and Straße are one user");
        eq(keys.keyOf("\u039f\u03a3\u039f\u03a3"), keys.keyOf("\u03bf\u03c3\u03bf\u03c2"), "both sigmas");
        eq(4, byKey.get("alice").length, "four spellings of alice, one conversation");
        eq(null, keys.keyOf("Bob"), "a spelling no frame named has no key yet");
        eq("Bob", keys.learn("Bob", null), "a frame without a key: the name itself");
    }

    static function callsAnswer() {
        var c = new Calls();
        isTrue(c.invited("p1", "alice"), "rings");
        isTrue(!c.capturing(), "nothing captured while it rings");
        isTrue(!c.invited("p2", "bob"), "a second invite while ringing: busy");
        var a = c.answer();
        eq("p1", a.peerId, "answered peer");
        isTrue(c.capturing(), "capturing once answered");
        eq("alice", c.endedBy("p1"), "hung up by the peer");
        isTrue(!c.capturing(), "ended");
    }

    static function callsDecline() {
        var c = new Calls();
        eq(null, c.answer(), "answer with nothing ringing");
        eq(null, c.decline(), "decline with nothing ringing");
        c.invited("p1", "alice");
        eq("alice", c.decline().name, "declined");
        isTrue(c.state == NoCall && !c.capturing(), "nothing captured, no call");
        c.invited("p1", "alice");
        eq(null, c.endedBy("p9"), "another peer cannot end it");
        eq("alice", c.endedBy("p1"), "the caller gave up before the answer");
        eq(null, c.answer(), "nothing to answer any more");
    }

    static function callsDial() {
        var c = new Calls();
        eq(null, c.dial("p1", "bob"), "dial");
        isTrue(c.capturing(), "our own call captures at once");
        isTrue(!c.accepted("p2"), "an accept from someone else");
        isTrue(c.accepted("p1"), "accepted");
        isTrue(c.state.match(Active("p1", "bob")), "active");
        isTrue(c.dial("p3", "carol") != null, "one call at a time");
        eq("bob", c.endedBy("p1"), "ended");
    }
}
