// The first run of Rapport in a real browser (Debian's chromium, driven by playwright-core):
// the one-time set-up link, sign-in, add a contact, record a promise, see it on Today, mark
// it kept, see the trust explanation. Screenshots at desktop and phone widths go to
// e2e/output/ (git-ignored).
//
//   node e2e/first-run.mjs [path/to/rapport]     (default: target/debug/rapport)

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const bin = resolve(root, process.argv[2] ?? "target/debug/rapport");
const out = join(here, "output");
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), "rapport-e2e-"));

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

// Start the server on a free port; read its address and the set-up link from stderr.
const server = spawn(bin, ["serve", "--bind", "127.0.0.1:0"], {
  env: { ...process.env, RAPPORT_DB: join(dir, "e2e.db"), HOME: dir },
  stdio: ["ignore", "ignore", "pipe"],
});
const { base, link } = await new Promise((ok, ko) => {
  let text = "";
  const timer = setTimeout(() => ko(new Error(`no set-up link in: ${text}`)), 20000);
  server.stderr.on("data", (chunk) => {
    text += chunk;
    const serving = text.match(/serving on (http:\/\/[0-9.:]+)\//);
    const setup = text.match(/(http:\/\/[0-9.:]+\/setup\/\S+)/);
    if (serving && setup) {
      clearTimeout(timer);
      ok({ base: serving[1], link: setup[1] });
    }
  });
  server.on("exit", (code) => ko(new Error(`rapport serve exited (${code}): ${text}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const shots = [];
async function shoot(page, name) {
  for (const [label, width, height] of [["desktop", 1280, 800], ["phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    const path = join(out, `${name}-${label}.png`);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
    // Usable at 390 px: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) fail(`${name} is ${overflow}px wider than a ${width}px screen`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

try {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

  // First run: the one-time link creates the owner's account and signs them in.
  await page.goto(link);
  await shoot(page, "01-setup");
  await page.getByLabel("Your name").fill("Ana Owner");
  await page.getByLabel("Email").fill("ana@example.com");
  await page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
  await page.getByRole("button", { name: "Create the account" }).click();
  await page.waitForURL(`${base}/today`);

  // Sign out and back in.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${base}/login`);
  await page.getByLabel("Email").fill("ana@example.com");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/today`);

  // Add a contact, keyboard only for the form.
  await page.getByRole("link", { name: "Contacts" }).click();
  await page.getByLabel("Name", { exact: true }).focus();
  await page.keyboard.type("Élodie Martin");
  await page.getByLabel("Type", { exact: true }).last().selectOption("customer");
  await page.getByLabel("Organisation").fill("Vins du Rhône");
  await page.getByLabel("Organisation").press("Enter");
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await page.getByRole("heading", { name: "Élodie Martin" }).waitFor();

  // Record a promise due today; it shows on Today.
  await page.getByLabel("What", { exact: true }).fill("Send the samples");
  await page.getByLabel("Due").fill("today");
  await page.getByRole("button", { name: "Record the promise" }).click();
  await page.getByText("I promised: Send the samples").waitFor();
  await page.getByRole("link", { name: "Today" }).click();
  const item = page.locator("li", { hasText: "Send the samples" });
  await item.waitFor();
  await shoot(page, "02-today");

  // Mark it kept, in place (htmx): the item turns into a confirmation, no page load.
  await item.getByRole("button", { name: "Kept" }).click();
  await page.getByText("✓ Marked kept").waitFor();
  await page.reload();
  if ((await page.getByText("Send the samples").count()) !== 0) fail("the kept promise is still on Today");

  // The trust explanation on her page.
  await page.getByRole("link", { name: "Contacts" }).click();
  await page.getByRole("link", { name: "Élodie Martin" }).click();
  await page.getByText("Why", { exact: true }).click();
  await page.getByText("“Send the samples”, kept").waitFor();
  await shoot(page, "03-contact");

  for (const path of ["/deals", "/settings"]) {
    await page.goto(`${base}${path}`);
    await shoot(page, path.slice(1));
  }
  if (errors.length) fail(`console errors: ${errors.join("; ")}`);
  console.log(`e2e: first run passed; ${shots.length} screenshots in ${out}`);
} finally {
  await browser.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
