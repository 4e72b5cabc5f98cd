package org.nimbus.conformance.tc;

import java.util.LinkedHashMap;

/** An AMF0 object (0x03) or typed object (0x10, when className is set); property order is kept. */
public class AmfObject extends LinkedHashMap<String, Object> {
    private final String className;

    public AmfObject() {
        this(null);
    }

    public AmfObject(String className) {
        this.className = className;
    }

    public String className() {
        return className;
    }

    public AmfObject with(String key, Object value) {
        put(key, value);
        return this;
    }

    /** A property as text, or null. */
    public String string(String key) {
        Object v = get(key);
        return v instanceof String s ? s : null;
    }
}
