// The first run of Rapport in a real browser (Debian's chromium, driven by playwright-core):
// the one-time set-up link, sign-in, add a contact, record a promise, see it on Today, mark
// it kept, see the trust explanation. Screenshots at desktop and phone widths go to
// e2e/output/ (git-ignored).
//
//   node e2e/first-run.mjs [path/to/rapport]     (default: target/debug/rapport)

import { join, resolve } from "node:path";
import { fail, launch, out, root, startServer } from "./lib.mjs";

const bin = resolve(root, process.argv[2] ?? "target/debug/rapport");
const { base, link, stop } = await startServer(bin);
const browser = await launch();
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
  await page.getByText("Add a contact").focus();
  await page.keyboard.press("Enter");
  await page.getByLabel("Name", { exact: true }).focus();
  await page.keyboard.type("Élodie Martin");
  await page.locator("#new-type").selectOption("customer");
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
  stop();
}
