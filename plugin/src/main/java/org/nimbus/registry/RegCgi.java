package org.nimbus.registry;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.nimbus.ratelimit.KeyedRateLimiter;

/**
 * The peer-ID web service of Adobe's Cirrus samples, byte for byte as their {@code reg.cgi}
 * answers the sample's {@code HttpIdManager}, on the Nimbus registry ({@link LegacyIds}):
 * <ul>
 * <li>{@code ?username=U&identity=<64 hex>} registers U for an hour ({@code time=} is ignored,
 * the sample adds it against caches), {@code identity=0} unregisters; both answer
 * {@code <result><update>true</update></result>}, a refusal {@code <update>false</update>},
 * which the sample reads as a failed registration;</li>
 * <li>{@code ?friends=R[&friends=R2…]} answers one {@code <friend>} per name: {@code <user>R</user>}
 * and, when R is online with a peer ID, {@code <identity>ID</identity>} (its newest), and when the
 * registry holds the name under another spelling, {@code <registered>Stored</registered>};</li>
 * <li>both in one request give both, {@code <update>} first.</li>
 * </ul>
 * Values are XML-escaped. A request the sample never sends (more than {@link #MAX_FRIENDS}
 * friends, no parameter it knows) is an HTTP 400. Registrations are rate limited per source
 * address; with {@code requireToken} a registration needs {@code token=}, a registry account token
 * for that user name (docs/registry-protocol.md), so only the site that knows its users can
 * register them.
 */
public final class RegCgi {
    /** The XML prologue reg.cgi writes. */
    static final String PROLOGUE = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
    /** The sample asks for one friend at a time; a few more are allowed, beyond is a 400. */
    public static final int MAX_FRIENDS = 32;
    private static final Pattern IDENTITY = Pattern.compile("[0-9a-fA-F]{64}");

    /** An HTTP answer: status, content type, body. */
    public record Reply(int status, String contentType, String body) {
    }

    private final RegistryService service;
    private final AccountTokens tokens;
    private final boolean requireToken;
    private final KeyedRateLimiter<String> perSource;

    public RegCgi(RegistryService service, AccountTokens tokens, boolean requireToken, int registrationsPerSourcePerSecond) {
        this.service = service;
        this.tokens = tokens;
        this.requireToken = requireToken;
        this.perSource = new KeyedRateLimiter<>(registrationsPerSourcePerSecond, 100_000);
    }

    /** Answers one GET with its query parameters (as the servlet API gives them) from address. */
    public Reply handle(String address, Map<String, String[]> params) {
        String[] usernames = params.get("username");
        String[] identities = params.get("identity");
        String[] friends = params.get("friends");
        if (usernames == null && friends == null) {
            return badRequest("expected username=…&identity=… or friends=…");
        }
        if (friends != null && friends.length > MAX_FRIENDS) {
            return badRequest("at most " + MAX_FRIENDS + " friends per request");
        }
        StringBuilder xml = new StringBuilder(PROLOGUE).append("<result>");
        if (usernames != null) {
            boolean ok = usernames.length == 1 && identities != null && identities.length == 1
                    && register(address, usernames[0], identities[0], first(params.get("token")));
            xml.append("<update>").append(ok).append("</update>");
        }
        if (friends != null) {
            for (String f : friends) {
                friend(xml, f);
            }
        }
        return new Reply(200, "text/xml; charset=utf-8", xml.append("</result>").toString());
    }

    private boolean register(String address, String username, String identity, String token) {
        boolean remove = "0".equals(identity);
        if (!remove && !IDENTITY.matcher(identity).matches()) {
            return false;
        }
        synchronized (perSource) {
            if (!perSource.tryAcquire(address, service.now())) {
                return false;
            }
        }
        if (requireToken && !ownsName(token, username)) {
            return false;
        }
        try {
            service.legacyRegister(address, username, remove ? null : identity.toLowerCase(Locale.ROOT));
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    private boolean ownsName(String token, String username) {
        if (token == null) {
            return false;
        }
        try {
            return Names.key(tokens.verify(token, service.now() / 1000)).equals(Names.key(username));
        } catch (RegistryException e) {
            return false;
        }
    }

    private void friend(StringBuilder xml, String name) {
        RegistryService.Lookup l = service.legacyLookup(name);
        xml.append("<friend><user>").append(escape(name)).append("</user>");
        if (l.online() && !l.peerIds().isEmpty()) {
            xml.append("<identity>").append(l.peerIds().get(0)).append("</identity>");
        }
        if (l.online() && !l.name().equals(name)) {
            xml.append("<registered>").append(escape(l.name())).append("</registered>");
        }
        xml.append("</friend>");
    }

    private static String first(String[] values) {
        return values == null || values.length == 0 ? null : values[0];
    }

    private static Reply badRequest(String why) {
        return new Reply(400, "text/plain; charset=utf-8", why + "\n");
    }

    /** XML character data and attribute-safe: the five predefined entities; other controls dropped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // XML 1.0 §2.2: no C0 controls but tab, newline, carriage return
                    if (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.toString();
    }
}
