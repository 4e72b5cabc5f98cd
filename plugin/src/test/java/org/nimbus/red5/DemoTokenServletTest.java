package org.nimbus.red5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import javax.servlet.ServletConfig;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** registry.demo_tokens: the switch of /demo/token (README, configuration table). */
class DemoTokenServletTest {
    @TempDir
    Path dir;

    private Path conf(String text) throws Exception {
        Path f = dir.resolve("nimbus.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void onlyTheFilesKeyTurnsItOn() throws Exception {
        assertTrue(DemoTokenServlet.enabled(conf("registry.demo_tokens=true\n")));
        assertFalse(DemoTokenServlet.enabled(conf("registry.demo_tokens=false\n")), "the shipped conf/nimbus.properties");
        assertFalse(DemoTokenServlet.enabled(conf("registry.secret=0123456789abcdef0\n")), "a file without the key: off");
        assertFalse(DemoTokenServlet.enabled(dir.resolve("absent.properties")), "no file (all defaults): off");
    }

    @Test
    void aBrokenFileMeansOff() throws Exception {
        assertFalse(DemoTokenServlet.enabled(conf("registry.demo_tokens=yes\n")));
        assertFalse(DemoTokenServlet.enabled(conf("no.such.key=1\n")));
    }

    @Test
    void whenOffTheEndpointAnswers404WithAReason() throws Exception {
        conf("registry.demo_tokens=false\n");
        String before = System.getProperty("red5.config_root");
        System.setProperty("red5.config_root", dir.toString());
        DemoTokenServlet servlet = new DemoTokenServlet();
        try {
            servlet.init(config(Map.of("registry.demo_tokens", "true")));
        } finally {
            if (before == null) {
                System.clearProperty("red5.config_root");
            } else {
                System.setProperty("red5.config_root", before);
            }
        }
        int[] status = {0};
        StringWriter body = new StringWriter();
        HttpServletResponse resp = proxy(HttpServletResponse.class, (name, args) -> switch (name) {
            case "setStatus" -> {
                status[0] = (Integer) args[0];
                yield null;
            }
            case "getWriter" -> new PrintWriter(body, true);
            default -> null;
        });
        HttpServletRequest req = proxy(HttpServletRequest.class,
                (name, args) -> name.equals("getParameter") && "name".equals(args[0]) ? "alice" : null);
        servlet.doGet(req, resp);
        assertEquals(HttpServletResponse.SC_NOT_FOUND, status[0]);
        assertEquals(DemoTokenServlet.OFF, body.toString());
        assertTrue(body.toString().contains("registry.demo_tokens=true"), "names the key that turns it on");
    }

    private interface Answer {
        Object call(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> answer.call(m.getName(), args)));
    }

    private static ServletConfig config(Map<String, String> params) {
        return proxy(ServletConfig.class, (name, args) -> switch (name) {
            case "getInitParameter" -> params.get((String) args[0]);
            case "getInitParameterNames" -> Collections.enumeration(params.keySet());
            case "getServletName" -> "demo-token";
            default -> null;
        });
    }
}
