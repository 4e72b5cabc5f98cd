package org.nimbus.config;

import java.util.List;
import java.util.regex.Pattern;

/** The keys of nimbus.properties for Cirrus-era applications: the samples' peer-ID web service. */
public final class CirrusSettings {
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    public static final Setting<String> REG_CGI_PATH = new Setting<>("cirrus.reg_cgi_path", "/reg.cgi",
            "empty (off), or a path such as /reg.cgi or /cgi-bin/reg.cgi",
            "where the nimbus web app serves the Cirrus samples' reg.cgi web service (http://host:5080/nimbus/PATH)", s -> {
                if (!s.isEmpty() && !PATH.matcher(s).matches()) {
                    throw new IllegalArgumentException("not a path");
                }
                return s;
            });
    public static final Setting<Boolean> REG_CGI_REQUIRE_TOKEN = new Setting<>("cirrus.reg_cgi_require_token", "false",
            "true or false", "a reg.cgi registration must carry token=, a registry account token for that user name",
            RegistrySettings::bool);
    public static final Setting<Integer> REG_CGI_PER_SOURCE = Setting.intRange("cirrus.reg_cgi_per_source_per_second", 10, 1,
            1_000_000, "reg.cgi registrations one IP address may make per second (bursts of as many)");

    static final List<Setting<?>> ALL = List.of(REG_CGI_PATH, REG_CGI_REQUIRE_TOKEN, REG_CGI_PER_SOURCE);

    private CirrusSettings() {
    }
}
