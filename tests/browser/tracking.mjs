// The customer's tracking page in a real browser (Playwright driving Debian's Chromium):
// screenshots at phone and desktop widths, an axe-core accessibility scan, then a star
// rating submitted through the page's own form, which must end on the thank-you state.
//
//   node tests/browser/tracking.mjs <tracking page URL> [other page URL to scan]...
//
// Env: AFTERCLICK_NODE_MODULES (where `make tools` installed playwright-core and
// @axe-core/playwright), AFTERCLICK_CHROMIUM (default /usr/bin/chromium),
// AFTERCLICK_SCREENSHOTS_DIR (default: a new temp dir). Prints one JSON line per step;
// exits 1 naming every failure.

import { createRequire } from "node:module";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const modules = resolve(
  process.env.AFTERCLICK_NODE_MODULES ?? join(here, "../../.local/browser/node_modules"),
);
const require = createRequire(join(modules, "resolver.cjs"));
const { chromium } = require("playwright-core");
const { AxeBuilder } = require("@axe-core/playwright");

const [trackingUrl, ...otherPages] = process.argv.slice(2);
if (!trackingUrl) {
  console.error("usage: node tracking.mjs <tracking page URL> [other page URL]...");
  process.exit(2);
}
const shots = process.env.AFTERCLICK_SCREENSHOTS_DIR
  ? resolve(process.env.AFTERCLICK_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), "afterclick-shots-"));
mkdirSync(shots, { recursive: true });

const failures = [];
const report = (step, data = {}) => console.log(JSON.stringify({ step, ...data }));
const fail = (message) => {
  failures.push(message);
  report("failure", { message });
};

/** Serious and critical WCAG 2.1 A/AA (and best-practice) violations fail the run. */
async function scan(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const blocking = results.violations.filter((v) =>
    ["serious", "critical"].includes(v.impact),
  );
  report("axe", {
    page: name,
    passes: results.passes.length,
    violations: results.violations.map((v) => `${v.id} (${v.impact})`),
  });
  for (const v of blocking) {
    const where = v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ");
    fail(`${name}: axe ${v.impact} ${v.id}: ${v.help} at ${where}`);
  }
}

/**
 * A page in a fresh context. Every request it makes must go to the page's own origin: the
 * pages promise no third-party requests (the test merchant has no images of its own).
 * `javaScript: false` proves a flow works without scripts; axe needs them to scan.
 */
async function open(browser, url, width, { javaScript = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    deviceScaleFactor: 1,
    javaScriptEnabled: javaScript,
  });
  const page = await context.newPage();
  const origin = new URL(url).origin;
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (target.protocol !== "data:" && target.origin !== origin) {
      fail(`${url} requested a third party: ${target.origin}`);
    }
  });
  const response = await page.goto(url, { waitUntil: "load" });
  return { context, page, status: response?.status() };
}

const browser = await chromium.launch({
  executablePath: process.env.AFTERCLICK_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  for (const width of [375, 1280]) {
    const { context, page, status } = await open(browser, trackingUrl, width);
    if (status !== 200) fail(`tracking page at ${width}px answered ${status}`);
    const file = join(shots, `tracking-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    report("screenshot", { file });
    // Nothing may overflow sideways on a phone.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    if (overflow > 0) fail(`tracking page scrolls sideways by ${overflow}px at ${width}px`);
    await scan(page, `tracking page ${width}px`);
    await context.close();
  }

  // Rate it with scripts off (a plain form POST must do): pick four stars through the
  // star's label, as a person would, and submit.
  const { context, page } = await open(browser, trackingUrl, 375, { javaScript: false });
  const form = page.locator("form#rating");
  if ((await form.count()) !== 1) {
    fail("no <form id=\"rating\"> on the tracking page");
  } else {
    const star = form.locator('input[type="radio"][name="stars"][value="4"]');
    const id = await star.getAttribute("id");
    const label = id
      ? form.locator(`label[for="${id}"]`)
      : form.locator("label").filter({ has: star });
    await label.first().click();
    if (!(await star.isChecked())) fail("clicking the fourth star's label did not select it");
    await form.locator('textarea[name="comment"]').fill("Schnell und freundlich geliefert.");
    await Promise.all([
      page.waitForURL(/[?&]rated=1/),
      form.locator('button[type="submit"]').click(),
    ]);
    const thanks = page.locator("#rating-thanks");
    if (!(await thanks.isVisible())) fail("no visible #rating-thanks after rating");
    report("rated", { url: page.url(), thanks: (await thanks.textContent())?.trim() });
  }
  await context.close();
  const rated = await open(browser, `${trackingUrl}?rated=1`, 375);
  await scan(rated.page, "tracking page, rated");
  await rated.context.close();

  for (const url of otherPages) {
    const { context: other, page: otherPage, status } = await open(browser, url, 375);
    if (status !== 200) fail(`${url} answered ${status}`);
    const kind = { u: "unsubscribe", lookup: "order lookup" }[new URL(url).pathname.split("/")[1]];
    await scan(otherPage, `${kind ?? url} page`);
    await other.close();
  }
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
report("done", { screenshots: shots });
