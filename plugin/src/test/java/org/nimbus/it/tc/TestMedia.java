package org.nimbus.it.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real coded media for the stream tests: ffmpeg's test picture and tone, H.264 + AAC in FLV. */
final class TestMedia {
    private TestMedia() {
    }

    /** {@code dir/src.flv}: 2 s at 10 frames per second, a key frame each second; made once per folder. */
    static Path sourceFlv(Path dir) throws Exception {
        Path src = dir.resolve("src.flv");
        if (!Files.exists(src)) {
            run(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "2", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-f", "flv", src.toString()), 60);
        }
        return src;
    }

    static void run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "timeout: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
