// The daily flows in a real browser (Debian's chromium, driven by playwright-core), at
// 390 px (a phone: touch, mobile viewport) and at 1280 px, on SQLite and, when
// RAPPORT_TEST_POSTGRES_URL is set, on PostgreSQL: first run → add a contact with email and
// phone → record a promise through the promise-load confirm → at risk with a reason →
// Today shows it first → told → kept; edit, archive and restore a contact; log an
// interaction; record a fact, edit and delete it; open the brief; move a deal through the board; import a
// vCard from settings; accept a promise found in mail from Today; plan a check-in campaign and
// complete a check-in from its page. Every page passes axe-core and is screenshot to e2e/output/.
//
//   node e2e/daily.mjs [path/to/rapport]     (default: target/debug/rapport)

import { resolve } from "node:path";
import { backends, check, fail, launch, open, root, startServer } from "./lib.mjs";

const bin = resolve(root, process.argv[2] ?? "target/debug/rapport");

async function flows(page, base, link, label) {
  const shot = (name) => check(page, name, label);
  const go = async (path) => {
    await page.goto(`${base}${path}`);
  };

  // First run: the one-time link makes the owner and signs them in; an empty Today says so.
  await page.goto(link);
  await page.getByLabel("Your name").fill("Ana Owner");
  await page.getByLabel("Email").fill("ana@example.com");
  await page.getByLabel("Password (at least 10 characters)").fill("correct horse battery");
  await page.getByRole("button", { name: "Create the account" }).click();
  await page.waitForURL(`${base}/today`);
  await page.getByText("Nothing to do today").waitFor();
  await shot("today-empty");

  // One promise a day is enough to meet the confirm step.
  await go("/settings");
  await page.locator("#time_zone").selectOption("Europe/Paris");
  await page.locator("#promise_load").fill("1");
  await page.locator("#promise_load").press("Enter");
  await page.waitForURL(`${base}/settings`);
  if ((await page.locator("#promise_load").inputValue()) !== "1") fail("the promise load was not saved");
  if ((await page.locator("#time_zone").inputValue()) !== "Europe/Paris") fail("the time zone was not saved");
  await shot("settings");

  // Add a contact with email and phone, from the form at the top of the list.
  await go("/contacts");
  await page.getByText("Add a contact").click();
  await page.getByLabel("Name", { exact: true }).fill("Élodie Martin");
  await page.locator("#new-type").selectOption("customer");
  await page.getByLabel("Organisation").fill("Vins du Rhône");
  await page.locator("#emails").fill("elodie@vins.example");
  await page.locator("#phones").fill("+33 6 12 34 56 78");
  await page.locator("#tags").fill("wine, lyon");
  await shot("contacts");
  await page.getByRole("button", { name: "Add the contact" }).click();
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  const contactUrl = page.url();
  await page.getByRole("heading", { name: "Élodie Martin" }).waitFor();
  await page.locator('a[href="mailto:elodie@vins.example"]').waitFor();
  await page.locator('a[href="tel:+33612345678"]').waitFor();

  // Two promises due today: the second meets the confirm step, which names the first.
  await page.locator("#text").fill("Send the samples");
  await page.locator("#due").fill("today");
  await page.getByRole("button", { name: "Record the promise" }).click();
  await page.waitForURL(contactUrl);
  await page.locator("#text").fill("Call about the order");
  await page.locator("#due").fill("today");
  await page.getByRole("button", { name: "Record the promise" }).click();
  await page.getByRole("heading", { name: /is already full/ }).waitFor();
  await page.getByRole("link", { name: "Send the samples" }).waitFor();
  if ((await page.content()).includes("--anyway")) fail("the confirm step speaks of --anyway");
  await shot("promise-confirm");
  await page.getByRole("button", { name: "Record it anyway" }).click();
  await page.waitForURL(contactUrl);
  await shot("contact");

  // At risk, with a reason, on the promise's page.
  await page.getByRole("link", { name: /Call about the order/ }).click();
  await page.waitForURL(/\/commitments\//);
  await shot("commitment");
  await page.getByLabel("Why it is at risk").fill("The supplier is late");
  await page.getByRole("button", { name: "At risk" }).click();
  await page.getByText("The supplier is late").waitFor();

  // Today shows it first; "Told them", then "Kept", in place.
  await go("/today");
  const first = page.locator("section").first();
  if (!(await first.getByRole("heading").textContent()).startsWith("Tell them now")) fail("bad news is not first");
  const risky = first.locator("li", { hasText: "Call about the order" });
  await risky.waitFor();
  await shot("today");
  await risky.getByRole("button", { name: "Told them" }).click();
  await page.getByText("✓ Marked as told").waitFor();
  await page.reload();
  const due = page.locator("li", { hasText: "Call about the order" });
  await due.getByRole("button", { name: "Kept" }).click();
  await page.getByText(/✓ Marked kept/).waitFor();
  await page.reload();
  if ((await page.getByText("Call about the order").count()) !== 0) fail("the kept promise is still on Today");

  // Log an interaction and record a fact on the contact's page.
  await page.goto(contactUrl);
  await page.locator("#log-kind").selectOption("meeting");
  await page.locator("#log-summary").fill("Tasting at the cellar");
  await page.locator("#log-they").fill("Wants a bigger order in spring");
  await page.getByRole("button", { name: "Log it" }).click();
  await page.getByText(/Tasting at the cellar/).waitFor();
  await page.locator("#fact-kind").selectOption("interest");
  await page.locator("#fact-text").fill("sailing");
  await page.getByRole("button", { name: "Remember" }).click();
  await page.getByRole("heading", { name: "Interests" }).waitFor();
  // A fact recorded by mistake: edit it, then delete it.
  await page.getByRole("link", { name: "Edit “sailing”" }).click();
  await page.getByLabel("What to remember").fill("sailing boats");
  await shot("fact-edit");
  await page.getByRole("button", { name: "Save the changes" }).click();
  await page.waitForURL(contactUrl);
  await page.getByText("sailing boats").waitFor();
  await page.getByRole("link", { name: "Edit “sailing boats”" }).click();
  await page.getByRole("link", { name: "Delete it…" }).click();
  // A confirm step, without JavaScript: the page names what goes.
  await page.getByText("sailing boats").waitFor();
  await shot("fact-delete-confirm");
  await page.getByRole("button", { name: "Delete it", exact: true }).click();
  await page.waitForURL(contactUrl);
  if ((await page.getByText("sailing boats").count()) !== 0) fail("the deleted fact is still shown");
  await page.locator("#fact-kind").selectOption("interest");
  await page.locator("#fact-text").fill("sailing");
  await page.getByRole("button", { name: "Remember" }).click();
  await page.getByRole("heading", { name: "Interests" }).waitFor();

  // The brief, on its own page.
  await page.getByRole("link", { name: "Brief before a meeting" }).click();
  await page.getByRole("heading", { name: "Brief: Élodie Martin" }).waitFor();
  await page.getByText("sailing").waitFor();
  await page.getByText("Send the samples").waitFor();
  await shot("brief");

  // A deal opened on her page, moved through the board.
  await page.goto(contactUrl);
  await page.locator("#deal-title").fill("Spring order");
  await page.locator("#deal-value").fill("4200");
  await page.getByRole("button", { name: "Open the deal" }).click();
  await page.waitForURL(contactUrl);
  await go("/deals");
  const card = page.locator("li", { hasText: "Spring order" });
  await card.getByLabel("Move to").selectOption("proposal");
  await card.getByRole("button", { name: "Move" }).click();
  await page.waitForURL(/\/deals/);
  await page
    .locator("section", { has: page.getByRole("heading", { name: /^proposal/ }) })
    .getByText("Spring order")
    .waitFor();
  await shot("deals");

  // The ledger and the insights, from the menu.
  await page.getByRole("link", { name: "Ledger" }).click();
  await page.getByRole("heading", { name: "The ledger" }).waitFor();
  await shot("ledger");
  await page.getByRole("link", { name: "Insights" }).click();
  await page.getByRole("heading", { name: "How fast news travels" }).waitFor();
  await page.getByText("Bad news (at risk → told): 1 told").waitFor();
  await shot("insights");

  // A request with no why yet: answered by a promise on her page, its why written on the
  // Requests page.
  await page.goto(contactUrl);
  await page.getByLabel("What they asked for").fill("A spring price list");
  await page.getByRole("button", { name: "Record the request" }).click();
  await page.waitForURL(contactUrl);
  const request = page.locator("#requests li", { hasText: "A spring price list" });
  await request.getByLabel("The promise that answers it").selectOption({ index: 0 });
  await request.getByRole("button", { name: "Link the answer" }).click();
  await page.waitForURL(contactUrl);
  await page.locator("#requests").getByRole("link", { name: "Answered by a promise" }).waitFor();
  await page.getByRole("link", { name: "Requests", exact: true }).click();
  await page.getByRole("heading", { name: "What they asked for" }).waitFor();
  await page.getByLabel("Why it matters to Élodie Martin").fill("Her restaurant clients order in March");
  await shot("requests");
  await page.getByRole("button", { name: "Save the why" }).click();
  await page.getByText("Why: Her restaurant clients order in March").waitFor();

  // Search finds the conversation by what she said, accents and case aside.
  await page.getByRole("link", { name: "Search", exact: true }).click();
  await page.getByLabel(/Contacts and conversations/).fill("BIGGER order");
  await page.getByRole("button", { name: "Search" }).click();
  const hit = page.locator("li", { hasText: "Tasting at the cellar" });
  await hit.getByRole("link", { name: "Élodie Martin" }).waitFor();
  await shot("search");
  // Every conversation with her, and every gesture, on their own pages.
  await page.goto(`${contactUrl}/timeline`);
  await page.getByText("Tasting at the cellar").waitFor();
  await shot("timeline");
  await go("/gestures");
  await page.getByRole("heading", { name: "Gestures of appreciation" }).waitFor();
  await shot("gestures");

  // A label recorded wrongly is corrected on the promise's page; the history keeps both.
  await go("/commitments");
  await page.getByRole("link", { name: /Call about the order/ }).click();
  await page.locator("#label").selectOption("broken");
  await page.getByRole("button", { name: "Correct it" }).click();
  await page.getByText(/corrected: kept → broken/).waitFor();
  await shot("commitment-corrected");

  // Edit, archive and restore her.
  await page.goto(contactUrl);
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.getByLabel("Name", { exact: true }).fill("Élodie Martin-Roux");
  await shot("contact-edit");
  await page.getByRole("button", { name: "Save the changes" }).click();
  await page.getByRole("heading", { name: "Élodie Martin-Roux" }).waitFor();
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByText("(archived)").waitFor();
  await go("/contacts");
  if ((await page.getByText("Élodie Martin-Roux").count()) !== 0) fail("an archived contact is listed");
  await page.goto(contactUrl);
  await page.getByRole("button", { name: "Restore" }).click();
  await page.getByRole("button", { name: "Archive" }).waitFor();

  // Import a vCard from settings: a preview, then the import.
  await go("/settings");
  await page.locator("#import-file").setInputFiles({
    name: "phone.vcf",
    mimeType: "text/vcard",
    buffer: Buffer.from(
      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kenji Sato\r\nORG:Sato Trading\r\nEMAIL:kenji@sato.example\r\nEND:VCARD\r\n",
    ),
  });
  await page.getByRole("button", { name: "Preview the import" }).click();
  await page.getByRole("button", { name: "Import now" }).waitFor();
  await shot("import-preview");
  await page.getByRole("button", { name: "Import now" }).click();
  await go("/contacts?q=kenji");
  await page.getByRole("link", { name: "Kenji Sato" }).waitFor();

  // Kenji's email (sent through the API, with a token made in settings) holds a promise:
  // Today offers it, and one tap records it in the ledger.
  await go("/settings");
  await page.locator("#token-name").fill("mail");
  await page.getByRole("button", { name: "Create a token" }).click();
  const token = ((await page.locator('p[role="status"] code').textContent()) ?? "").trim();
  const when = new Date(Date.now() - 3600_000).toUTCString().replace("GMT", "+0000");
  const message = `From: Kenji Sato <kenji@sato.example>\r\nTo: ana@example.com\r\nDate: ${when}\r\nSubject: The order\r\nMessage-ID: <e2e-${Date.now()}@sato.example>\r\n\r\nThanks for the call. We'll send the signed order within 3 days.\r\n`;
  const sent = await fetch(`${base}/api/v1/mail/import`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "message/rfc822" },
    body: message,
  });
  if (sent.status !== 201) fail(`the mail import answered ${sent.status}: ${await sent.text()}`);
  await go("/today");
  await page.getByRole("heading", { name: /Confirm these promises/ }).waitFor();
  await shot("today-confirm-promises");
  await page.getByRole("button", { name: "Accept", exact: true }).click();
  await page.waitForURL(`${base}/today`);
  if ((await page.getByRole("heading", { name: /Confirm these promises/ }).count()) !== 0) fail("an accepted promise is still offered");
  await go("/commitments?direction=theirs");
  await page.getByText("Send the signed order").first().waitFor();

  // A check-in campaign, from the menu: planned, on Today under its own heading, and a
  // conversation logged from its page completes a check-in. Two bakers, added through the
  // API, not yet in touch today.
  for (const name of ["Nadia Baker", "Omar Baker"]) {
    const added = await fetch(`${base}/api/v1/contacts`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name, type: "customer", tags: ["bakeries"] }),
    });
    if (added.status !== 201) fail(`adding ${name} answered ${added.status}`);
  }
  await page.getByRole("link", { name: "Campaigns" }).click();
  await page.getByRole("heading", { name: "Plan a check-in campaign" }).waitFor();
  await page.getByLabel("Name").fill("Winter floods");
  await page.getByLabel(/^Who:/).fill("tag=bakeries");
  await page.getByLabel("What to ask").fill("How are you holding up after the floods?");
  await page.getByLabel(/^Check-ins a day/).fill("1");
  await shot("campaigns");
  await page.getByRole("button", { name: "Plan the check-ins" }).click();
  await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
  const campaignUrl = page.url();
  await page.getByText("0 of 2 checked in with").waitFor();
  await shot("campaign");
  await go("/today");
  await page.getByRole("heading", { name: /Check-ins/ }).waitFor();
  await page.getByText("Check in: How are you holding up after the floods?").first().waitFor();
  await page.goto(campaignUrl);
  await page.getByRole("link", { name: "Log the check-in" }).first().click();
  await page.locator("#log-summary").fill("Called about the floods");
  await page.locator("#log-they").fill("The cellar flooded but the shop is open");
  await page.getByRole("button", { name: "Log it" }).click();
  await page.goto(campaignUrl);
  await page.getByText("1 of 2 checked in with (1 replied)").waitFor();
  // Changed from its page (a new name, two a day), then deleted after asking; the
  // conversation logged stays.
  await page.getByRole("link", { name: "Change it" }).click();
  await page.getByLabel("Name").fill("Winter floods 2026");
  await page.getByLabel(/^Check-ins a day/).fill("2");
  await shot("campaign-edit");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(campaignUrl);
  await page.getByRole("heading", { name: "Winter floods 2026" }).waitFor();
  await page.getByText("tag=bakeries: 2 a day").waitFor();
  await page.getByRole("link", { name: "Delete it…" }).click();
  await page.getByRole("heading", { name: "Delete “Winter floods 2026”?" }).waitFor();
  await page.getByRole("button", { name: "Delete it" }).click();
  await page.waitForURL(/\/campaigns$/);
  await page.getByText("No campaign yet").waitFor();
  await go("/search?q=floods");
  await page.getByText("Called about the floods").first().waitFor();

  if (page.errors.length) fail(`console errors: ${page.errors.join("; ")}`);
}

const browser = await launch();
let runs = 0;
try {
  for (const backend of backends()) {
    for (const [label, width] of [["phone", 390], ["desktop", 1280]]) {
      const server = await startServer(bin, backend);
      const page = await open(browser, width);
      try {
        await flows(page, server.base, server.link, `${label}`);
        runs += 1;
        console.log(`e2e: daily flows passed on ${backend.name} at ${width}px`);
      } catch (e) {
        await page.screenshot({ path: `${root}/e2e/output/FAILED-${backend.name}-${label}.png`, fullPage: true }).catch(() => {});
        throw new Error(`${backend.name} at ${width}px: ${e.message}`);
      } finally {
        await page.context().close();
        server.stop();
      }
    }
  }
  console.log(`e2e: ${runs} runs of the daily flows passed; screenshots in e2e/output/`);
} catch (e) {
  console.error(`e2e: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
