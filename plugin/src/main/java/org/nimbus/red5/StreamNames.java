package org.nimbus.red5;

/**
 * What {@code publish} and {@code play} must name (RFC 7425 §5.3; RTMP's NetStream commands): a
 * non-empty string, or {@code false} to stop. Red5's service invoker would otherwise match a
 * nameless or numeric {@code publish} to some overload and publish a stream nobody can name.
 */
final class StreamNames {
    private StreamNames() {
    }

    /** Why the command's stream name is unusable, or null when it is fine (or the command names none). */
    static String problem(String method, Object[] args) {
        if (!"publish".equals(method) && !"play".equals(method)) {
            return null;
        }
        Object name = args.length == 0 ? null : args[0];
        if (name instanceof String s && !s.isEmpty() || Boolean.FALSE.equals(name)) {
            return null;
        }
        return method + " needs a stream name (a non-empty string), got "
                + (name == null ? "none" : name instanceof String ? "an empty string" : "a " + name.getClass().getSimpleName());
    }
}
