package org.nimbus.conformance.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The soak's samples as a PNG: four panels over time (heap after GC in MB, threads, open file
 * descriptors, RTMFP sessions), each scaled from zero so that growth is seen at its true size.
 * Drawn with Java2D on an off-screen image, so it needs no display.
 */
final class SoakPlot {
    private static final int WIDTH = 1000;
    private static final int PANEL = 220;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;

    private record Series(String title, ToDoubleFunction<SoakSamples.Sample> value) {
    }

    private SoakPlot() {
    }

    static void write(List<SoakSamples.Sample> samples, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Series> series = List.of(
                new Series("heap after full GC (MB)", s -> s.heapBytes() / 1048576.0),
                new Series("threads", SoakSamples.Sample::threads),
                new Series("open file descriptors", s -> Math.max(0, s.fds())),
                new Series("RTMFP sessions", SoakSamples.Sample::sessions));
        int height = TOP + series.size() * PANEL + 30;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 25);
            double tMax = samples.stream().mapToDouble(SoakSamples.Sample::seconds).max().orElse(1);
            for (int i = 0; i < series.size(); i++) {
                panel(g, series.get(i), samples, TOP + i * PANEL, Math.max(tMax, 1));
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, Series s, List<SoakSamples.Sample> samples, int y0, double tMax) {
        int plotTop = y0 + 25;
        int plotHeight = PANEL - 55;
        int plotWidth = WIDTH - LEFT - RIGHT;
        double vMax = samples.stream().mapToDouble(s.value()).max().orElse(1);
        vMax = vMax <= 0 ? 1 : vMax * 1.1;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(s.title(), LEFT, y0 + 18);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(LEFT, plotTop, plotWidth, plotHeight);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k <= 4; k++) {
            int y = plotTop + plotHeight - k * plotHeight / 4;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, vMax < 10 ? "%.1f" : "%.0f", vMax * k / 4), 5, y + 4);
        }
        for (int k = 0; k <= 5; k++) {
            int x = LEFT + k * plotWidth / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f s", tMax * k / 5), x - 10, plotTop + plotHeight + 15);
        }
        g.setColor(new Color(20, 90, 200));
        g.setStroke(new BasicStroke(2f));
        int px = -1, py = -1;
        for (SoakSamples.Sample p : samples) {
            int x = LEFT + (int) Math.round(p.seconds() / tMax * plotWidth);
            int y = plotTop + plotHeight - (int) Math.round(s.value().applyAsDouble(p) / vMax * plotHeight);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            g.fillOval(x - 2, y - 2, 5, 5);
            px = x;
            py = y;
        }
    }
}
