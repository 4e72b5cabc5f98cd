// What the browser tests share: Debian's Chromium started as this machine needs it, the console
// noise that says nothing about a page, and the step log.
import { chromium } from 'playwright-core';

// chromium's favicon 404, AudioContext and GPU-stall warnings, Ruffle's device-font and
// unimplemented-stub messages, its NetConnection logging
export const NOISE = [/favicon/, /AudioContext/, /GPU stall/, /Unknown device font/, /Encountered stub/, /NetConnection/];

/** Headless Chromium without the background networking this closed machine refuses; extra: more flags. */
export function launch(executablePath, extra = []) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extra],
  });
}

/** step(text) prints "step ok (T s): text"; since() the time from the start. */
export function steps() {
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  return { since, step: text => console.log(`step ok (${since()}): ${text}`) };
}
