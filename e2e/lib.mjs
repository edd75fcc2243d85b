// What the browser tests share: a `rapport serve` of their own on a free port (SQLite file,
// or a fresh PostgreSQL schema), Debian's chromium, and a check of every page: axe-core
// (no serious or critical violation), no horizontal scrolling at 320 px, a screenshot.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "..");
export const out = join(here, "output");
mkdirSync(out, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export function fail(message) {
  console.error(`e2e: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

/// The backends to run on: SQLite always, PostgreSQL when RAPPORT_TEST_POSTGRES_URL is set.
export function backends() {
  const list = [{ name: "sqlite" }];
  if (process.env.RAPPORT_TEST_POSTGRES_URL) list.push({ name: "postgres", url: process.env.RAPPORT_TEST_POSTGRES_URL });
  return list;
}

// psql without its notices ("drop cascades to ...").
const quiet = { env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } };

/// Starts `rapport serve` on a fresh database; resolves to { base, link, stop }.
export async function startServer(bin, backend = { name: "sqlite" }) {
  const dir = mkdtempSync(join(tmpdir(), "rapport-e2e-"));
  let db = join(dir, "e2e.db");
  let schema = null;
  if (backend.name === "postgres") {
    schema = `e2e_${process.pid}_${Date.now()}`;
    execFileSync("psql", [backend.url, "-qc", `CREATE SCHEMA ${schema}`], quiet);
    const sep = backend.url.includes("?") ? "&" : "?";
    db = `${backend.url}${sep}options=-c%20search_path%3D${schema}`;
  }
  const server = spawn(bin, ["serve", "--bind", "127.0.0.1:0"], {
    env: { ...process.env, RAPPORT_DB: db, HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  const { base, link } = await new Promise((ok, ko) => {
    const timer = setTimeout(() => ko(new Error(`no set-up link in: ${log}`)), 20000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      const serving = log.match(/serving on (http:\/\/[0-9.:]+)\//);
      const setup = log.match(/(http:\/\/[0-9.:]+\/setup\/\S+)/);
      if (serving && setup) {
        clearTimeout(timer);
        ok({ base: serving[1], link: setup[1] });
      }
    });
    server.on("exit", (code) => ko(new Error(`rapport serve exited (${code}): ${log}`)));
  });
  const stop = () => {
    server.kill();
    if (/panicked/.test(log)) fail(`the server panicked:\n${log}`);
    if (schema) execFileSync("psql", [backend.url, "-qc", `DROP SCHEMA ${schema} CASCADE`], quiet);
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, link, stop };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/// A page at a width, with console errors collected.
export async function open(browser, width) {
  const phone = width < 600;
  const context = await browser.newContext({
    viewport: { width, height: phone ? 844 : 800 },
    isMobile: phone,
    hasTouch: phone,
    // axe-core is injected as a script: the pages' CSP (script-src 'self') would block it.
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.errors = [];
  // A refusal page (409 the day is full, 422 a field) is the answer meant; anything else
  // the console reports is an error.
  const meant = /Failed to load resource: the server responded with a status of (409|422)/;
  page.on("console", (m) => m.type() === "error" && !meant.test(m.text()) && page.errors.push(m.text()));
  page.on("pageerror", (e) => page.errors.push(String(e)));
  return page;
}

/// Checks the page as it is: axe-core finds no serious or critical violation, nothing is
/// wider than a 320 px screen, every button and link is at least 44 px tall on a phone;
/// then a full-page screenshot.
export async function check(page, name, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    fail(`${name}: axe-core: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`).join("; ")}`);
  }
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: size.height });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) fail(`${name} is ${overflow}px wider than a 320px screen`);
  await page.setViewportSize(size);
  if (size.width < 600) {
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("main button, main .button-link, main input, main select, nav a")]
        .filter((e) => e.offsetParent !== null && e.type !== "hidden" && e.type !== "checkbox")
        .filter((e) => e.getBoundingClientRect().height < 43.5)
        .map((e) => `${e.tagName.toLowerCase()} “${(e.textContent || e.name || "").trim().slice(0, 30)}” ${Math.round(e.getBoundingClientRect().height)}px`),
    );
    if (small.length) fail(`${name}: tap targets under 44px: ${small.slice(0, 5).join("; ")}`);
  }
  await page.screenshot({ path: join(out, `${name}-${label}.png`), fullPage: true });
}
