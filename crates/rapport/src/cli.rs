//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand};

/// Rapport: a trust-first relationship manager. Keep your word; keep relationships warm.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, propagate_version = true)]
pub struct Cli {
    /// Database URL: a file path or sqlite:PATH (embedded), or postgres://USER@HOST/DB.
    /// Default: $XDG_DATA_HOME/rapport/rapport.db (else ~/.local/share/rapport/rapport.db).
    #[arg(long, global = true, env = "RAPPORT_DB", value_name = "URL")]
    pub db: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, show, edit, archive and restore contacts; find and merge duplicates.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Remember things about a contact: family, interests, preferences, dates, notes.
    #[command(subcommand)]
    Fact(FactCommand),
    /// Log an interaction with a contact (a call, a meeting, an email...).
    Log(LogArgs),
    /// A contact's interactions, newest first.
    Timeline(TimelineArgs),
    /// Search contacts and interactions, ignoring case and accents.
    Search(SearchArgs),
    /// Fill the workspace with a realistic synthetic book (deterministic for a seed).
    Demo(DemoArgs),
    /// A new secret calendar feed URL for you (the old one stops working): your open
    /// promises both ways, your contacts' yearly dates, gestures coming due.
    Feed(FeedArgs),
    /// A full backup of the workspace (every record, commitment histories, settings,
    /// members) as JSON lines; --sqlite FILE takes an online snapshot of the whole SQLite
    /// database instead.
    Backup(BackupArgs),
    /// Restores a JSON backup into an empty database (all or nothing).
    Restore(RestoreArgs),
    /// Today as an email (plain text, or --html), for you or --user EMAIL.
    Digest(DigestArgs),
    /// Bring contacts in from a file (all or nothing).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the workspace's contacts to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Run the web UI and the REST API (on first start, prints a one-time set-up link).
    Serve(ServeArgs),
    /// Accounts: add a user to a workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// Workspaces: create one.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Hand a leaving member's contacts, open promises and open deals to another member.
    Handoff(HandoffArgs),
    /// API tokens: create one for a user (printed once).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Record a promise of mine to a contact; prints its id.
    Promise(PromiseArgs),
    /// Record a promise a contact made to me; prints its id.
    Expect(PromiseArgs),
    /// Record a commitment kept (on time or late, by when against its due date).
    Kept(OutcomeArgs),
    /// Record a commitment broken (missed without notice).
    Broken(OutcomeArgs),
    /// Record a commitment as deceptive (claimed done when it was not).
    Deceptive(OutcomeArgs),
    /// Release a commitment at the request of the one it was made to (not scored), or
    /// withdraw it (--withdrawn).
    Release(ReleaseArgs),
    /// Agree a new due date: closes this commitment and opens its successor.
    Renegotiate(RenegotiateArgs),
    /// Flag a commitment at risk: it tops Today until the other side is told.
    AtRisk(AtRiskArgs),
    /// Record that the other side was told (of the risk, or that it is done).
    Told(ToldArgs),
    /// List commitments both ways.
    Commitments(CommitmentsArgs),
    /// A commitment's full history.
    History(IdArgs),
    /// Record what a contact asked for, and why if known.
    Request(RequestArgs),
    /// Record why a request matters to them.
    Why(WhyArgs),
    /// Link a request to the commitment that answers it.
    Answer(AnswerArgs),
    /// List requests (--open: those whose why is still unknown).
    Requests(RequestsArgs),
    /// Both trust directions with a contact, explained.
    Trust(TrustArgs),
    /// The reciprocity ladder with a contact, both ways: the largest size of promise kept so
    /// far (token, normal, major), how reliably each size was kept, and the next step.
    Ladder(ShowArgs),
    /// Recompute every stored trust score of the workspace from the ledger.
    Rescore(JsonOnly),
    /// How fast bad news and good news reach the other side, per user.
    Latency(JsonOnly),
    /// What customers tell us: the recurring themes of what contacts said and asked for,
    /// the most contacts first, with quotes.
    Insights(InsightsArgs),
    /// Show or change the workspace's settings.
    Settings(SettingsArgs),
    /// What to do today, most urgent first.
    Today(TodayArgs),
    /// The brief before meeting a contact: what to ask about, what is owed both ways.
    Brief(ShowArgs),
    /// Deals with their give/get ledger and trust gate.
    #[command(subcommand)]
    Deal(DealCommand),
    /// Record that one contact introduced another.
    Referral(ReferralArgs),
    /// Advocates: who introduced people who became customers.
    Advocates(JsonOnly),
    /// Gestures of appreciation: gifts, vouchers, tickets, thank-you notes, something of value.
    #[command(subcommand)]
    Gesture(GestureCommand),
    /// Check-in campaigns: in tough times, a check-in with every contact of a segment, a few
    /// a day on Today (VIPs and the coldest first); logging any interaction with a contact
    /// completes theirs.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Mail: log conversations from messages, mbox files and Maildirs.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Promises found in your mail, both ways, waiting for a yes or a no (the newest
    /// message first); each is offered for 14 days.
    Suggestions(SuggestionsArgs),
    /// Accept a promise found in your mail (it becomes a commitment) or dismiss it.
    #[command(subcommand)]
    Suggestion(SuggestionCommand),
    /// Shell completions for bash, zsh, fish, elvish or powershell, on stdout
    /// (e.g. `rapport completions bash > ~/.local/share/bash-completion/completions/rapport`).
    Completions(CompletionsArgs),
    /// The manual page (roff) on stdout (`rapport man | man -l -`), or every command's page
    /// written into a directory (--dir).
    Man(ManArgs),
    /// The yearly appreciation budget: set, spent and remaining.
    Budget(BudgetArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:7420", env = "RAPPORT_BIND")]
    pub bind: String,
    /// Mark session cookies Secure (serve over https, directly or behind a proxy).
    #[arg(long, env = "RAPPORT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The address people reach Rapport at (https://crm.example.com), for the links it hands
    /// out (invitations, calendar feeds, the digest). Default: the bound address.
    #[arg(long, env = "RAPPORT_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// A reverse proxy (address or range, e.g. 10.0.0.0/8) whose X-Forwarded-For names the
    /// client, for sign-in throttling by address. Repeatable.
    #[arg(
        long = "trusted-proxy",
        env = "RAPPORT_TRUSTED_PROXY",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Read every member's connected mailbox this often (e.g. 5m, 1h; at least 1m), one
    /// server at a time per mailbox. Default: never (`rapport mail sync` by hand).
    #[arg(long, env = "RAPPORT_MAIL_EVERY", value_name = "DURATION")]
    pub mail_every: Option<String>,
}

#[derive(Debug, Args)]
pub struct HandoffArgs {
    /// The leaving member (email).
    pub from: String,
    /// The member who takes over (email).
    pub to: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to a workspace (the first workspace unless named).
    Add(UserAddArgs),
    /// Every account: email, name, whether it can sign in, its workspaces and roles.
    List(JsonOnly),
    /// Change an account's email or name (`me`: yours, e.g. the owner made on first use).
    Edit(UserEditArgs),
}

#[derive(Debug, Args)]
pub struct UserEditArgs {
    /// The account: its email, its id, or `me`.
    pub who: String,
    /// Its new email (what it signs in with).
    #[arg(long)]
    pub email: Option<String>,
    /// Its new name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Their email: what they sign in with.
    pub email: String,
    /// The workspace's name (default: the first workspace).
    #[arg(long)]
    pub workspace: Option<String>,
    /// owner or member (default member).
    #[arg(long, default_value = "member")]
    pub role: String,
    /// Their name (default: the part of the email before @).
    #[arg(long)]
    pub name: Option<String>,
    /// Read their password from standard input (otherwise they cannot sign in yet).
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace.
    Create(WorkspaceCreateArgs),
}

#[derive(Debug, Args)]
pub struct WorkspaceCreateArgs {
    /// Its name (unique).
    pub name: String,
    /// Its time zone (IANA name; default the system's).
    #[arg(long)]
    pub time_zone: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once (only its hash is kept).
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The user's email.
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "cli")]
    pub name: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum GestureCommand {
    /// Record a gesture given to a contact (or planned, with a date ahead).
    Add(GestureAddArgs),
    /// List gestures, newest first: of one contact, or all.
    List(GestureListArgs),
}

#[derive(Debug, Args)]
pub struct GestureAddArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// gift, voucher, tickets, thank-you-note or value (a report, an introduction...).
    #[arg(long)]
    pub kind: String,
    /// What it was, e.g. "Two tickets to the match".
    pub text: String,
    /// The day it was given (default today); a day ahead plans it.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    /// What it cost, e.g. 45 or 45.50.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub cost: Option<String>,
    /// A note, e.g. what they said.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct GestureListArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// Only this contact's gestures.
    #[arg(value_name = "REF")]
    pub reference: Option<String>,
    /// At most this many (default 100).
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// The year (default this year).
    #[arg(long)]
    pub year: Option<i16>,
    /// Set the yearly budget from that year on, e.g. 2500.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub set: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Plan a check-in with every live contact of a segment: N a day on each member's Today
    /// (their own contacts), VIPs and the coldest first.
    Create(CampaignCreateArgs),
    /// Every campaign, the newest first: its status and how far it has come.
    List(JsonOnly),
    /// A campaign's progress and the next contacts to check in with (--contacts: a page of
    /// them all, pending or done).
    Show(CampaignShowArgs),
    /// Stop a campaign: its check-ins leave Today; what was done stays.
    Stop(CampaignRefArgs),
    /// Change a campaign's name, note, check-ins a day or last day (its maker or an owner).
    Edit(CampaignEditArgs),
    /// Delete a campaign and its list of check-ins (its maker or an owner); the
    /// conversations logged stay on the contacts. Asks unless --yes.
    Delete(CampaignDeleteArgs),
}

#[derive(Debug, Args)]
pub struct CampaignEditArgs {
    /// The campaign: its name or id.
    pub campaign: String,
    /// A new name (unique in the workspace).
    #[arg(long)]
    pub name: Option<String>,
    /// What the check-in is about.
    #[arg(long)]
    pub note: Option<String>,
    /// Check-ins a day on each member's Today (1 to 50).
    #[arg(long, value_name = "N")]
    pub per_day: Option<u32>,
    /// A new last day (YYYY-MM-DD, +2w, fri...).
    #[arg(
        long,
        value_name = "DATE",
        allow_hyphen_values = true,
        conflicts_with = "no_until"
    )]
    pub until: Option<String>,
    /// Run until stopped, with no last day.
    #[arg(long)]
    pub no_until: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CampaignDeleteArgs {
    /// The campaign: its name or id.
    pub name: String,
    /// Delete without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CampaignCreateArgs {
    /// Its name, e.g. "Winter floods" (unique in the workspace).
    pub name: String,
    /// Which contacts: type=TYPE, tag=TAG, met=TEXT and vip, each narrowing (e.g.
    /// "type=customer tag=restaurants vip"), or "all".
    #[arg(long)]
    pub segment: String,
    /// What the check-in is about, e.g. "How are you holding up after the floods?".
    #[arg(long)]
    pub note: String,
    /// Check-ins a day on each member's Today (default: enough to reach everyone by
    /// --until, else 5).
    #[arg(long, value_name = "N")]
    pub per_day: Option<u32>,
    /// The last day it runs (YYYY-MM-DD, +2w, fri...).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub until: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CampaignShowArgs {
    /// The campaign: its name or id.
    pub name: String,
    /// List its contacts in its order: all, pending or done.
    #[arg(long, value_name = "WHICH", num_args = 0..=1, default_missing_value = "all")]
    pub contacts: Option<String>,
    /// With --contacts: at most this many (default 50, at most 1000).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// With --contacts: those after this position (the next page).
    #[arg(long, value_name = "POSITION")]
    pub after: Option<u32>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CampaignRefArgs {
    /// The campaign: its name or id.
    pub name: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ReferralArgs {
    /// Who made the introduction.
    #[arg(value_name = "FROM_REF")]
    pub from: String,
    /// Who was introduced.
    #[arg(value_name = "TO_REF")]
    pub to: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    /// Open a deal with a contact.
    Add(DealAddArgs),
    /// Move a deal to a stage (lead, qualified, proposal, negotiation, won, lost).
    Stage(DealStageArgs),
    /// Record a concession given.
    Give(DealTermArgs),
    /// Record what was received for a concession.
    Get(DealTermArgs),
    /// List deals with their flags.
    List(DealListArgs),
    /// Show a deal with its give/get ledger.
    Show(IdArgs),
}

#[derive(Debug, Args)]
pub struct DealAddArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// What the deal is.
    pub title: String,
    /// Its value, e.g. 12500 or 12,500.50.
    #[arg(long, allow_hyphen_values = true)]
    pub value: Option<String>,
    /// lead (default), qualified, proposal or negotiation.
    #[arg(long)]
    pub stage: Option<String>,
    /// Expected close date.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub close: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DealStageArgs {
    /// The deal's id.
    pub id: String,
    /// The new stage.
    pub stage: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DealTermArgs {
    /// The deal's id.
    pub id: String,
    /// The concession, or what was received.
    pub text: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DealListArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// Only open deals.
    #[arg(long)]
    pub open: bool,
    /// Only this contact's deals (an id, a name, or the unique start of one).
    #[arg(long, value_name = "CONTACT")]
    pub contact: Option<String>,
    /// Only deals at this stage (lead, qualified, proposal, negotiation, won, lost).
    #[arg(long)]
    pub stage: Option<String>,
    /// At most this many (1 to 1000); the rest are counted, with the command for the next page.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// The page after this deal (the id the previous page ends with).
    #[arg(long, value_name = "DEAL_ID")]
    pub after: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct TodayArgs {
    /// Another day (seen at 09:00 that morning), e.g. tomorrow or 2026-12-01.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub date: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// The workspace's time zone (IANA name, e.g. Europe/Lisbon): "today" is the day there.
    /// Deadlines already recorded keep the zone they were made in.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Refuse a new promise of mine on a day with this many open promises of mine due.
    #[arg(long, value_name = "N")]
    pub promise_load: Option<u32>,
    /// The appreciation cadence of an audience (vip or a relationship type), in days, or
    /// none, or default: e.g. --appreciation customer=90. Repeatable.
    #[arg(long, value_name = "AUDIENCE=DAYS")]
    pub appreciation: Vec<String>,
    /// The keep-in-touch cadence of an audience (vip or a relationship type) for contacts
    /// without their own, in days, or never, or default: e.g. --keep-in-touch prospect=21.
    /// Repeatable.
    #[arg(long, value_name = "AUDIENCE=DAYS")]
    pub keep_in_touch: Vec<String>,
    /// Your daily digest by email at this local time (HH:MM), or `off`; `rapport serve`
    /// sends it once a day when SMTP is set up.
    #[arg(long, value_name = "HH:MM")]
    pub digest_at: Option<String>,
    /// Another address of yours (an alias, an old address): with your account's email, what
    /// a mail import counts as you. Repeatable.
    #[arg(long, value_name = "ADDRESS")]
    pub my_address: Vec<String>,
    /// Forget an address of yours. Repeatable.
    #[arg(long, value_name = "ADDRESS")]
    pub forget_address: Vec<String>,
    /// A gift idea for an interest, added to the workspace's catalogue: e.g. --gift-idea
    /// "golf=A round at the club". Appreciation suggestions offer it to contacts with that
    /// interest, never to one whose preferences rule it out. Repeatable.
    #[arg(long, value_name = "INTEREST=IDEA")]
    pub gift_idea: Vec<String>,
    /// Take a gift idea out of the catalogue (the workspace's own, or a built-in one).
    /// Repeatable.
    #[arg(long, value_name = "INTEREST=IDEA")]
    pub no_gift_idea: Vec<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct JsonOnly {
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct PromiseArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// What was promised.
    pub text: String,
    /// When: YYYY-MM-DD, YYYY-MM-DD HH:MM, an RFC 3339 time, today, tomorrow, fri, +3d.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub due: String,
    /// token, normal (default) or major.
    #[arg(long, default_value = "normal")]
    pub size: String,
    /// The interaction it came from (an id from `rapport timeline --json`).
    #[arg(long = "from", value_name = "INTERACTION_ID")]
    pub source: Option<String>,
    /// With `promise`: record it even on a day already full of promises of mine. (With
    /// `expect` it changes nothing: what they promise is never refused.)
    #[arg(long)]
    pub anyway: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct OutcomeArgs {
    /// The commitment's id.
    pub id: String,
    /// When it happened (default now): a date or a time.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    /// Change the label of an already resolved commitment (kept in its history).
    #[arg(long)]
    pub correct: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The commitment's id.
    pub id: String,
    /// The promiser withdrew it (scored: told early before the due date, broken after).
    #[arg(long)]
    pub withdrawn: bool,
    /// When (default now).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    /// Change the label of an already resolved commitment.
    #[arg(long)]
    pub correct: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RenegotiateArgs {
    /// The commitment's id.
    pub id: String,
    /// The new due date.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub due: String,
    /// When it was agreed (default now).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct AtRiskArgs {
    /// The commitment's id.
    pub id: String,
    /// Why it is at risk.
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ToldArgs {
    /// The commitment's id.
    pub id: String,
    /// When they were told (default now).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CommitmentsArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// Only with this contact.
    #[arg(value_name = "REF")]
    pub reference: Option<String>,
    /// Only open ones.
    #[arg(long)]
    pub open: bool,
    /// Only mine.
    #[arg(long, conflicts_with = "theirs")]
    pub mine: bool,
    /// Only theirs.
    #[arg(long)]
    pub theirs: bool,
    /// At most this many (default 200); when more match, the command for the next page
    /// follows.
    #[arg(long, conflicts_with = "all")]
    pub limit: Option<u32>,
    /// Every one, however many.
    #[arg(long)]
    pub all: bool,
    /// Earliest due first (default: latest due first, so recent ones show).
    #[arg(long)]
    pub oldest_first: bool,
    /// The page after this commitment (the id the previous page ends with).
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The id.
    pub id: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// What they asked for.
    pub text: String,
    /// Why it matters to them.
    #[arg(long)]
    pub why: Option<String>,
    /// The commitment that answers it.
    #[arg(long, value_name = "COMMITMENT_ID")]
    pub answered_by: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The request's id.
    pub request_id: String,
    /// Why it matters to them.
    pub text: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// The request's id.
    pub request_id: String,
    /// The commitment that answers it.
    pub commitment_id: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RequestsArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// Only this contact's.
    #[arg(value_name = "REF")]
    pub reference: Option<String>,
    /// Only those whose why is still unknown.
    #[arg(long)]
    pub open: bool,
    /// At most this many (1 to 1000); when more match, the command for the next page follows.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Only those after this request (the last id of the previous page).
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
    /// Instead of the list: how many requests were answered, and how many of those without
    /// knowing why, per member (the whole workspace).
    #[arg(long, conflicts_with_all = ["reference", "open", "after"])]
    pub stats: bool,
    /// With --stats: only answers from this day (YYYY-MM-DD, -30d...).
    #[arg(
        long,
        value_name = "DATE",
        requires = "stats",
        allow_hyphen_values = true
    )]
    pub since: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct TrustArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// As it stood at the end of this day (default now).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub at: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Add a contact.
    Add(ContactAddArgs),
    /// List contacts, alphabetically.
    List(ContactListArgs),
    /// Show one contact with their personal memory and latest interactions.
    Show(ShowArgs),
    /// Change a contact.
    Edit(ContactEditArgs),
    /// Archive a contact (hidden from lists, restorable).
    Archive(RefArgs),
    /// Restore an archived contact.
    Restore(RefArgs),
    /// List likely duplicates (same email, same phone digits, same name at the same
    /// organisation), surest first, with the reason.
    Duplicates(DuplicatesArgs),
    /// Merge OTHER into KEEP: everything OTHER has (emails, phones, facts, timeline,
    /// promises with their history, requests, deals, gestures, introductions) becomes KEEP's,
    /// in one transaction; OTHER is archived pointing to KEEP.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// How many pairs to list (1-1000, default 50).
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Skip this many pairs (the next page: what the previous one printed).
    #[arg(long, value_name = "N")]
    pub offset: Option<usize>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The contact to keep: an id, a name, or the unique start of a name.
    #[arg(value_name = "KEEP")]
    pub keep: String,
    /// The duplicate to merge into it (then archived).
    #[arg(value_name = "OTHER")]
    pub other: String,
    /// Say what would move, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

/// Picks among namesakes.
#[derive(Debug, Args, Clone, Default)]
pub struct Pick {
    /// Among namesakes, the one whose organisation contains ORG (case and accents ignored).
    #[arg(long = "org", value_name = "ORG")]
    pub org: Option<String>,
}

/// Output as JSON on stdout.
#[derive(Debug, Args, Clone, Copy)]
pub struct JsonFlag {
    /// Print JSON (only JSON) on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ContactAddArgs {
    /// The contact's name.
    pub name: String,
    /// Relationship: prospect, customer, past_customer, vendor, competitor, partner, peer,
    /// co_worker, boss (default prospect).
    #[arg(long = "type", value_name = "TYPE")]
    pub relationship: Option<String>,
    /// Organisation (company) they are with.
    #[arg(long)]
    pub org: Option<String>,
    /// An email address (repeatable).
    #[arg(long = "email", value_name = "EMAIL")]
    pub emails: Vec<String>,
    /// A phone number (repeatable).
    #[arg(long = "phone", value_name = "PHONE")]
    pub phones: Vec<String>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Keep-in-touch cadence: days between contacts, 'never', or 'default' (by type).
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub cadence: Option<String>,
    /// Mark as a VIP (kept warm every 30 days unless a cadence is set).
    #[arg(long)]
    pub vip: bool,
    /// Where we met ("Web Summit 2025", "LinkedIn").
    #[arg(long, value_name = "TEXT")]
    pub met: Option<String>,
    /// When we met (a date: 2025-11-12, yesterday, -3w...).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub met_on: Option<String>,
    /// Who introduced us: a contact's id or name (the introduction `rapport referral` records).
    #[arg(long, value_name = "REF")]
    pub introduced_by: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ContactListArgs {
    /// Only this relationship type.
    #[arg(long = "type", value_name = "TYPE")]
    pub relationship: Option<String>,
    /// Only contacts with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only contacts whose name, organisation, email or tag contains this text.
    #[arg(long)]
    pub search: Option<String>,
    /// How many to list (1-1000, default 50).
    #[arg(long)]
    pub limit: Option<u32>,
    /// List the contacts after this one (an id from the previous page): the next page.
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
    /// List archived contacts instead.
    #[arg(long)]
    pub archived: bool,
    /// Only VIPs.
    #[arg(long)]
    pub vip: bool,
    /// Only relationships past their keep-in-touch time.
    #[arg(long)]
    pub going_cold: bool,
    /// Only contacts met where this text says ("summit", "linkedin"), case and accents aside.
    #[arg(long, value_name = "Q")]
    pub met: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RefArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ContactEditArgs {
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// New name.
    #[arg(long)]
    pub name: Option<String>,
    /// New relationship type.
    #[arg(long = "type", value_name = "TYPE")]
    pub relationship: Option<String>,
    /// New organisation.
    #[arg(long, conflicts_with = "no_org")]
    pub org: Option<String>,
    /// Clear the organisation.
    #[arg(long)]
    pub no_org: bool,
    /// Replace the emails with these (repeatable).
    #[arg(long = "email", value_name = "EMAIL", conflicts_with = "no_email")]
    pub emails: Vec<String>,
    /// Remove every email.
    #[arg(long)]
    pub no_email: bool,
    /// Replace the phones with these (repeatable).
    #[arg(long = "phone", value_name = "PHONE", conflicts_with = "no_phone")]
    pub phones: Vec<String>,
    /// Remove every phone.
    #[arg(long)]
    pub no_phone: bool,
    /// Add a tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "untag", value_name = "TAG")]
    pub untags: Vec<String>,
    /// Keep-in-touch cadence: days, 'never', or 'default'.
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub cadence: Option<String>,
    /// Mark as VIP.
    #[arg(long, conflicts_with = "not_vip")]
    pub vip: bool,
    /// Unmark as VIP.
    #[arg(long)]
    pub not_vip: bool,
    /// Where we met.
    #[arg(long, value_name = "TEXT", conflicts_with = "no_met")]
    pub met: Option<String>,
    /// When we met.
    #[arg(
        long,
        value_name = "DATE",
        allow_hyphen_values = true,
        conflicts_with = "no_met"
    )]
    pub met_on: Option<String>,
    /// Forget where and when we met.
    #[arg(long)]
    pub no_met: bool,
    /// Who introduced us, for a contact without an introducer yet (id or name).
    #[arg(long, value_name = "REF")]
    pub introduced_by: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum FactCommand {
    /// Record a fact about a contact.
    Add(FactAddArgs),
    /// List what you remember about a contact.
    List(ShowArgs),
}

#[derive(Debug, Args)]
pub struct FactAddArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// family, interest, preference, date or note.
    #[arg(long)]
    pub kind: String,
    /// The fact: a family member's name, the interest, the preference, what the date is.
    pub text: String,
    /// YYYY-MM-DD, or --MM-DD when the year is unknown (a birthday, an anniversary).
    #[arg(long, allow_hyphen_values = true)]
    pub date: Option<String>,
    /// For family: who they are to the contact (daughter, spouse...).
    #[arg(long)]
    pub relation: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// What happened, in a line.
    pub summary: String,
    /// call, meeting, email, visit, message or other (default other).
    #[arg(long, default_value = "other")]
    pub kind: String,
    /// When: YYYY-MM-DD HH:MM (workspace time zone), RFC 3339, a date, or 'now' (default).
    /// A future time plans a meeting.
    #[arg(long, value_name = "DATETIME", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// What they said: needs, feedback, insights.
    #[arg(long, value_name = "TEXT")]
    pub they_said: Option<String>,
    /// What I said.
    #[arg(long, value_name = "TEXT")]
    pub i_said: Option<String>,
    /// A topic it was about ("price", "delivery"): `rapport insights` counts it exactly.
    /// Repeatable.
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// Only contacts of this type (customer, prospect...).
    #[arg(long = "type", value_name = "TYPE")]
    pub relationship: Option<String>,
    /// From this day (default: the last 90 days).
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Themes listed of each kind (1-500, default 20).
    #[arg(long)]
    pub limit: Option<u32>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub pick: Pick,
    /// The contact: an id, a name, or the unique start of a name.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// How many interactions (default 50).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Text to find in names, organisations, emails, tags and interaction notes.
    pub query: String,
    /// How many of each (default 20).
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where the copy goes (never overwritten).
    pub file: std::path::PathBuf,
    /// Instead: a whole-database SQLite snapshot (VACUUM INTO): open it with --db FILE.
    #[arg(long)]
    pub sqlite: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Whose digest (default: you).
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Print the HTML part instead of the plain text.
    #[arg(long)]
    pub html: bool,
    /// Send it by email (SMTP settings from RAPPORT_SMTP_HOST, _PORT, _SECURITY, _USER,
    /// _PASSWORD, _FROM) instead of printing it.
    #[arg(long)]
    pub send: bool,
    /// Where Today is in the browser, linked from the email.
    #[arg(long, default_value = "http://127.0.0.1:7420")]
    pub base_url: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct FeedArgs {
    /// Where `rapport serve` is reached from your calendar app.
    #[arg(long, default_value = "http://127.0.0.1:7420")]
    pub base_url: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// vCard 2.1, 3.0 or 4.0 (phones, Outlook, Apple, Google, Nextcloud...): FN/N, ORG,
    /// EMAIL, TEL, CATEGORIES as tags, BDAY and ANNIVERSARY as dates, NOTE as notes. A card
    /// with the email or phone of an existing contact (or of an earlier card) is reported and
    /// skipped, or merged into it with --merge (adding what it lacks, overwriting nothing).
    Vcard(ImportVcardArgs),
    /// A spreadsheet or another CRM's export: Google Contacts, Outlook and HubSpot columns
    /// are recognised, and Rapport's own; `,` `;` or tab; UTF-8 or Windows-1252. All or
    /// nothing: every row is checked first, and a refused row is named by its line.
    Csv(ImportCsvArgs),
}

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    pub file: std::path::PathBuf,
    /// Read a column as a field: name, first_name, middle_name, last_name, organisation,
    /// email, phone, tags, type, vip, birthday, anniversary, note or ignore. Repeatable.
    #[arg(long, value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Merge duplicates into the contact they match instead of skipping them.
    #[arg(long)]
    pub merge: bool,
    /// The relationship type of contacts whose row does not say.
    #[arg(long = "type", value_name = "TYPE", default_value = "prospect")]
    pub relationship: String,
    /// Show how the columns are read and what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ImportVcardArgs {
    /// The .vcf file (many cards per file; UTF-8 or Windows-1252).
    pub file: std::path::PathBuf,
    /// Merge duplicates into the contact they match instead of skipping them.
    #[arg(long)]
    pub merge: bool,
    /// The relationship type of contacts whose card does not say (Rapport's own exports do).
    #[arg(long = "type", value_name = "TYPE", default_value = "prospect")]
    pub relationship: String,
    /// Check the file and report what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every live contact as a vCard (with birthday, anniversary, notes, and Rapport's
    /// relationship type and VIP flag as X- properties), to FILE ("-": standard output).
    #[command(disable_version_flag = true)]
    Vcard(ExportVcardArgs),
    /// Every live contact as one CSV row (name, organisation, type, vip, emails, phones,
    /// tags, birthday, anniversary, notes); cells that would run as a formula in a
    /// spreadsheet are prefixed with '.
    Csv(ExportCsvArgs),
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    pub file: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ExportVcardArgs {
    pub file: String,
    /// 3.0 (widest support) or 4.0.
    #[arg(long, default_value = "4.0")]
    pub version: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts the book holds.
    #[arg(long)]
    pub contacts: u64,
    /// The seed: the same seed gives the same book.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Contacts written per transaction (an interrupted run keeps every whole one). Larger
    /// transactions load faster; memory does not grow with them.
    #[arg(long, default_value_t = 50_000)]
    pub batch: u64,
    /// The day the book is as of (default today, UTC): interactions span the two years before.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub anchor: Option<String>,
    /// The average number of commitments (both ways) per contact.
    #[arg(long, default_value_t = 3)]
    pub commitments_per_contact: u32,
    /// The average number of past interactions per contact (default: a realistic mix by
    /// type, about 3.3).
    #[arg(long, value_name = "N")]
    pub interactions_per_contact: Option<u32>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write rapport.1 and a page per command (rapport-contact-add.1, ...) here instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Log each message as a conversation (kind email) with every contact on it: sent by me,
    /// or received from them, at its date, its subject as the summary and its new text
    /// (quotes and signatures removed). Importing the same mail again logs nothing twice.
    Import(MailImportArgs),
    /// Connect your mailbox over IMAP: the login is tried first, the password (read from
    /// stdin) is kept sealed with a key outside the database (a 0600 key file beside it, or
    /// RAPPORT_SECRET_KEY), never shown.
    Connect(MailConnectArgs),
    /// Read what is new in your mailbox (each folder from where the last sync stopped), as
    /// `mail import` reads files; `rapport serve --mail-every` does it on a schedule.
    Sync(JsonOnly),
    /// Forget your mailbox and its password.
    Disconnect(JsonOnly),
}

#[derive(Debug, Args)]
pub struct MailConnectArgs {
    /// The IMAP server, e.g. imap.example.com.
    #[arg(long)]
    pub host: String,
    /// Its port (default 993 with --tls, 143 with --starttls or --plain).
    #[arg(long)]
    pub port: Option<u16>,
    /// TLS from the start (the default).
    #[arg(long, conflicts_with_all = ["starttls", "plain"])]
    pub tls: bool,
    /// Plain, then STARTTLS before the login.
    #[arg(long, conflicts_with = "plain")]
    pub starttls: bool,
    /// No TLS: only to a server on this machine.
    #[arg(long)]
    pub plain: bool,
    /// The mailbox's user name.
    #[arg(long)]
    pub user: String,
    /// Read the password from stdin (the only way: never on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// A folder to read (repeatable; default INBOX), e.g. --folder INBOX --folder Sent.
    #[arg(long = "folder", value_name = "FOLDER")]
    pub folders: Vec<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SuggestionsArgs {
    /// At most this many (1 to 1000); when more are on offer, the command for the next
    /// page follows.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Only those after this one (the last id of the previous page).
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum SuggestionCommand {
    /// Record the promise as a commitment (its message's conversation as the source);
    /// prints the commitment's id.
    Accept(SuggestionAcceptArgs),
    /// Not a promise, or not one to keep track of.
    Dismiss(IdArgs),
}

#[derive(Debug, Args)]
pub struct SuggestionAcceptArgs {
    /// The suggestion's id (from `rapport suggestions`).
    pub id: String,
    /// When it is due, if the message said no date or said it wrong: YYYY-MM-DD,
    /// YYYY-MM-DD HH:MM, today, tomorrow, fri, +3d.
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub due: Option<String>,
    /// The promise in other words.
    #[arg(long)]
    pub text: Option<String>,
    /// token, normal (default) or major.
    #[arg(long)]
    pub size: Option<String>,
    /// A promise of mine: record it even on a day already full of promises of mine.
    #[arg(long)]
    pub anyway: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct MailImportArgs {
    /// A message (.eml), an mbox file, or a Maildir (or any directory of message files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// An address of mine besides my account's email (repeatable).
    #[arg(long = "me", value_name = "ADDRESS")]
    pub me: Vec<String>,
    /// Make a contact of every address on my messages that is not in the book.
    #[arg(long)]
    pub create_contacts: bool,
    /// Say what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}
