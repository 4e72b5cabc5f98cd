package org.nimbus.conformance.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ffmpeg as the RTMP client of the stream cases (a real, independent RTMP implementation):
 * found on the PATH, each run its own process with a time limit.
 */
final class Ffmpeg {
    private Ffmpeg() {
    }

    /** Whether an ffmpeg executable is on the PATH. */
    static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, "ffmpeg").canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Starts ffmpeg with these arguments (quiet, overwriting outputs). */
    static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Runs ffmpeg to completion; its output when it fails. */
    static void run(int seconds, String... args) throws IOException, InterruptedException {
        Process p = start(args);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ffmpeg did not finish in " + seconds + " s: " + String.join(" ", args));
        }
        if (p.exitValue() != 0) {
            throw new IOException("ffmpeg failed (" + p.exitValue() + "): "
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }

    /** Lets ffmpeg finish (it ends at the end of its input), else stops it as Ctrl-C would so it closes its output. */
    static void finish(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A few seconds of test picture and tone, H.264 + AAC in FLV, as an encoder sends them. */
    static void makeSource(Path flv, int seconds) throws IOException, InterruptedException {
        run(60, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", Integer.toString(seconds), "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-f", "flv", flv.toString());
    }
}
