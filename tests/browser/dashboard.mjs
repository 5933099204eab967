// The merchant's dashboard in a real browser (Playwright driving Debian's Chromium): sign
// in through the form, then every page at phone and desktop widths with an axe-core scan
// and a screenshot, no request to another origin, nothing scrolling sideways on a phone;
// then, with scripts off, a search and "mark handled" through the pages' own forms.
//
//   node tests/browser/dashboard.mjs <base URL> <API key> <shipment id> <its tracking number>
//
// Env as tests/browser/tracking.mjs. Prints one JSON line per step; exits 1 naming every
// failure.

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

const [base, apiKey, shipmentId, trackingNumber] = process.argv.slice(2);
if (!trackingNumber) {
  console.error("usage: node dashboard.mjs <base URL> <API key> <shipment id> <tracking number>");
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

async function scan(page, name) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  report("axe", {
    page: name,
    passes: results.passes.length,
    violations: results.violations.map((v) => `${v.id} (${v.impact})`),
  });
  for (const v of results.violations.filter((v) => ["serious", "critical"].includes(v.impact))) {
    const where = v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ");
    fail(`${name}: axe ${v.impact} ${v.id}: ${v.help} at ${where}`);
  }
}

const origin = new URL(base).origin;

/** A fresh browser context whose every request must stay on the dashboard's origin. */
async function context(browser, width, javaScript = true) {
  const ctx = await browser.newContext({
    viewport: { width, height: 900 },
    deviceScaleFactor: 1,
    javaScriptEnabled: javaScript,
  });
  ctx.on("request", (request) => {
    const target = new URL(request.url());
    if (target.protocol !== "data:" && target.origin !== origin) {
      fail(`the dashboard requested a third party: ${target.origin}`);
    }
  });
  return ctx;
}

/** Signs in through the form, as a merchant would; ends on the home page. */
async function signIn(page) {
  await page.goto(`${base}/app`, { waitUntil: "load" });
  if (!page.url().endsWith("/app/sign-in")) fail(`/app without a session went to ${page.url()}`);
  await page.locator("#api_key").fill(apiKey);
  await Promise.all([
    page.waitForURL(`${base}/app`),
    page.locator('form[action="/app/sign-in"] button[type="submit"]').click(),
  ]);
}

const pages = [
  ["attention", "/app"],
  ["shipments", "/app/shipments"],
  ["shipment", `/app/shipments/${shipmentId}`],
  ["carriers", "/app/carriers"],
  ["pages", "/app/pages"],
  ["notifications", "/app/notifications"],
  ["settings", "/app/settings"],
  ["preview", "/app/settings/preview/delayed/email/de"],
];

const browser = await chromium.launch({
  executablePath: process.env.AFTERCLICK_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  for (const width of [375, 1280]) {
    const ctx = await context(browser, width);
    const page = await ctx.newPage();
    await page.goto(`${base}/app/sign-in`, { waitUntil: "load" });
    await scan(page, `sign-in ${width}px`);
    await page.screenshot({ path: join(shots, `dashboard-sign-in-${width}.png`), fullPage: true });
    await signIn(page);
    const visit = async (name, path) => {
      const response = await page.goto(`${base}${path}`, { waitUntil: "load" });
      if (response?.status() !== 200) fail(`${path} at ${width}px answered ${response?.status()}`);
      const file = join(shots, `dashboard-${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      report("screenshot", { file });
      // Wide tables scroll inside their own box; the page itself must not.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      if (overflow > 0) fail(`${path} scrolls sideways by ${overflow}px at ${width}px`);
      await scan(page, `${name} ${width}px`);
    };
    for (const [name, path] of pages) await visit(name, path);
    // A notification's message, reached through the shipment page's own link.
    await page.goto(`${base}/app/shipments/${shipmentId}`, { waitUntil: "load" });
    const message = await page.locator('a[href*="/message?"]').first().getAttribute("href");
    if (!message) fail("the shipment page links no notification's message");
    else await visit("message", message);
    // An outgoing webhook endpoint's delivery log, through the settings page's link.
    await page.goto(`${base}/app/settings`, { waitUntil: "load" });
    const endpoint = await page.locator('a[href^="/app/settings/endpoints/"]').first().getAttribute("href");
    if (!endpoint) fail("the settings page links no endpoint's delivery log");
    else await visit("endpoint", endpoint);
    await ctx.close();
  }

  // Scripts off: the forms alone must do. Search by tracking number, then mark handled.
  const ctx = await context(browser, 1280, false);
  const page = await ctx.newPage();
  await signIn(page);
  await page.goto(`${base}/app/shipments`, { waitUntil: "load" });
  await page.locator("#q").fill(trackingNumber);
  await Promise.all([
    page.waitForURL(/\/app\/shipments\?/),
    page.locator('form[role="search"] button[type="submit"]').click(),
  ]);
  const found = page.locator(`a[href="/app/shipments/${shipmentId}"]`);
  if ((await found.count()) < 1) fail("the search did not find the shipment by tracking number");
  await page.goto(`${base}/app`, { waitUntil: "load" });
  const handled = page.locator(`form[action="/app/shipments/${shipmentId}/handled"] button`);
  if ((await handled.count()) !== 1) {
    fail("no 'Mark handled' form for the shipment on the home page");
  } else {
    await Promise.all([page.waitForURL(`${base}/app`), handled.click()]);
    const still = await page.locator(`a[href="/app/shipments/${shipmentId}"]`).count();
    if (still !== 0) fail("the handled shipment is still on the list");
    report("handled", { shipment: shipmentId });
  }
  // Signing out ends the session: the home page asks to sign in again.
  await Promise.all([
    page.waitForURL(`${base}/app/sign-in`),
    page.locator('form[action="/app/sign-out"] button').click(),
  ]);
  await page.goto(`${base}/app`, { waitUntil: "load" });
  if (!page.url().endsWith("/app/sign-in")) fail("still signed in after signing out");
  await ctx.close();
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
report("done", { screenshots: shots });
