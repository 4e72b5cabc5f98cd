package org.nimbus.it.rtmp;

import java.util.List;

/** A call the server made on the client (an invoke such as {@code onRegistry}, or a data message). */
public record ServerCall(String method, List<Object> args) {
    public Object arg(int index) {
        return index < args.size() ? args.get(index) : null;
    }
}
