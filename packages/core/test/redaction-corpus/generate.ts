/**
 * Builds `corpus.jsonl`, the labeled corpus that `redaction-corpus.test.ts` scores redaction on.
 * Run with `pnpm exec tsx test/redaction-corpus/generate.ts` after editing the lists below; the
 * output is committed so that the corpus is reviewable as data.
 *
 * Every line is `{ "text": string, "spans": [{ "kind", "start", "end" }] }`: positives place
 * values of each kind in realistic chat sentences; hard negatives (`negatives.txt`, one per line)
 * must produce no finding at all. Where values come from:
 *
 * - EMAIL: addresses at the reserved example domains of RFC 2606 / RFC 6761.
 * - PHONE: US/Canada numbers in the 555-0100…0199 range that NANPA reserves for fiction; UK
 *   numbers from Ofcom's ranges for drama (020 7946 0xxx, 0113 496 0xxx, 0161 496 0xxx,
 *   07700 900xxx); Australian numbers from ACMA's fiction range (0491 570 xxx); German, French
 *   and Indian numbers made up in each country's usual written format.
 * - CREDIT_CARD: the test card numbers that Stripe publishes (stripe.com/docs/testing), and
 *   Braintree/PayPal's 4111 1111 1111 1111, in the groupings printed on cards.
 * - IBAN: the example IBANs of the SWIFT IBAN Registry (one per country), plain and in groups of 4.
 * - US_SSN: made-up numbers valid under the SSA's rules, and 078-05-1120 (the "Woolworth" number
 *   the SSA documents as the most misused SSN).
 * - IP_ADDRESS: RFC 5737 documentation IPv4 ranges, private ranges (RFC 1918), RFC 3849 IPv6
 *   documentation prefix 2001:db8::/32, loopback and link-local examples from RFC 4291.
 * - Secrets: AWS's documented example key id AKIAIOSFODNN7EXAMPLE, Stripe's documented test key
 *   sk_test_4eC39HqLyjWDarjtT1zdp7dc, the JWT examples of RFC 7519 §3.1 and jwt.io, Slack's
 *   documented webhook example; the rest are random strings in each provider's documented format
 *   (a seeded generator, so the file is reproducible). None is a live credential.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** mulberry32: a tiny seeded PRNG, so the generated secrets are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20261126);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const pick = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;

type Kind = string;
interface Case {
  text: string;
  spans: { kind: Kind; start: number; end: number }[];
  /** "holdout" for texts written after the recognizers (holdout.txt). */
  set?: "holdout";
}

/** Groups a digit string: `group("4242424242424242", [4,4,4,4], " ")`. */
function group(digits: string, sizes: number[], sep: string): string {
  const parts: string[] = [];
  let i = 0;
  for (const s of sizes) {
    parts.push(digits.slice(i, i + s));
    i += s;
  }
  return parts.join(sep);
}

const cards: string[] = [];
for (const [n, sizes] of [
  ["4242424242424242", [4, 4, 4, 4]],
  ["4000056655665556", [4, 4, 4, 4]],
  ["4111111111111111", [4, 4, 4, 4]],
  ["5555555555554444", [4, 4, 4, 4]],
  ["2223003122003222", [4, 4, 4, 4]],
  ["5200828282828210", [4, 4, 4, 4]],
  ["5105105105105100", [4, 4, 4, 4]],
  ["378282246310005", [4, 6, 5]],
  ["371449635398431", [4, 6, 5]],
  ["6011111111111117", [4, 4, 4, 4]],
  ["6011000990139424", [4, 4, 4, 4]],
  ["3056930009020004", [4, 4, 4, 4]],
  ["36227206271667", [4, 6, 4]],
  ["3566002020360505", [4, 4, 4, 4]],
  ["6200000000000005", [4, 4, 4, 4]],
  ["4000002500003155", [4, 4, 4, 4]],
  ["4000000000003220", [4, 4, 4, 4]],
  ["5454545454545454", [4, 4, 4, 4]],
] as [string, number[]][]) {
  cards.push(n, group(n, sizes, " "), group(n, sizes, "-"));
}

const ibanCompact = [
  "DE89370400440532013000",
  "GB29NWBK60161331926819",
  "FR1420041010050500013M02606",
  "NL91ABNA0417164300",
  "BE68539007547034",
  "CH9300762011623852957",
  "ES9121000418450200051332",
  "IT60X0542811101000000123456",
  "AT611904300234573201",
  "PL61109010140000071219812874",
  "SE4550000000058398257466",
  "NO9386011117947",
  "DK5000400440116243",
  "FI2112345600000785",
  "IE29AIBK93115212345678",
  "PT50000201231234567890154",
  "LU280019400644750000",
  "SA0380000000608010167519",
  "GR1601101250000000012300695",
  "HU42117730161111101800000000",
  "CZ6508000000192000145399",
  "SK3112000000198742637541",
  "RO49AAAA1B31007593840000",
  "HR1210010051863000160",
  "SI56263300012039086",
  "EE382200221020145685",
  "LT121000011101001000",
  "LV80BANK0000435195001",
  "IS140159260076545510730339",
  "MT84MALT011000012345MTLCAST001S",
];
const ibans = ibanCompact.flatMap((i) => [i, i.replace(/(.{4})(?!$)/g, "$1 ")]);

const secrets: Record<string, string[]> = {
  OPENAI_KEY: [
    ...Array.from({ length: 8 }, () => `sk-${pick(ALNUM, 20)}T3BlbkFJ${pick(ALNUM, 20)}`),
    ...Array.from({ length: 8 }, () => `sk-proj-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`),
    ...Array.from({ length: 4 }, () => `sk-svcacct-${pick(B64URL, 60)}9x${pick(ALNUM, 20)}`),
  ],
  ANTHROPIC_KEY: [
    ...Array.from({ length: 14 }, () => `sk-ant-api03-${pick(B64URL, 93)}AA`),
    ...Array.from({ length: 4 }, () => `sk-ant-admin01-${pick(B64URL, 93)}AA`),
  ],
  AWS_ACCESS_KEY: [
    "AKIAIOSFODNN7EXAMPLE",
    ...Array.from({ length: 12 }, () => `AKIA${pick(BASE32, 16)}`),
    ...Array.from({ length: 5 }, () => `ASIA${pick(BASE32, 16)}`),
  ],
  GITHUB_TOKEN: [
    ...["ghp", "gho", "ghu", "ghs", "ghr"].flatMap((p) =>
      Array.from({ length: 3 }, () => `${p}_${pick(ALNUM, 36)}`),
    ),
    ...Array.from({ length: 4 }, () => `github_pat_11${pick(ALNUM, 20)}_${pick(ALNUM, 59)}`),
  ],
  SLACK_TOKEN: [
    ...["xoxb", "xoxp"].flatMap((p) =>
      Array.from(
        { length: 6 },
        () => `${p}-${pick("0123456789", 12)}-${pick("0123456789", 13)}-${pick(ALNUM, 24)}`,
      ),
    ),
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX".slice(8),
    ...Array.from(
      { length: 4 },
      () => `hooks.slack.com/services/T${pick(BASE32, 8)}/B${pick(BASE32, 10)}/${pick(ALNUM, 24)}`,
    ),
    `xapp-1-A${pick(BASE32, 10)}-${pick("0123456789", 13)}-${pick("0123456789abcdef", 64)}`,
  ],
  STRIPE_KEY: [
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    ...Array.from({ length: 6 }, () => `sk_live_${pick(ALNUM, 24)}`),
    ...Array.from({ length: 5 }, () => `sk_test_51${pick(ALNUM, 97)}`),
    ...Array.from({ length: 3 }, () => `rk_live_51${pick(ALNUM, 97)}`),
    ...Array.from({ length: 3 }, () => `pk_live_51${pick(ALNUM, 97)}`),
  ],
  JWT: [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    ...Array.from({ length: 16 }, (_, i) => {
      const header = btoa(
        JSON.stringify({ alg: i % 2 ? "RS256" : "HS256", typ: "JWT", kid: pick(ALNUM, 8) }),
      );
      const payload = btoa(
        JSON.stringify({ sub: `user-${i}`, iat: 1_700_000_000 + i * 977, scope: "read write" }),
      );
      const url = (s: string) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      return `${url(header)}.${url(payload)}.${pick(B64URL, i % 2 ? 342 : 43)}`;
    }),
  ],
  PRIVATE_KEY: Array.from({ length: 18 }, (_, i) => {
    const label = [
      "RSA PRIVATE KEY",
      "PRIVATE KEY",
      "EC PRIVATE KEY",
      "OPENSSH PRIVATE KEY",
      "ENCRYPTED PRIVATE KEY",
      "DSA PRIVATE KEY",
    ][i % 6]!;
    const lines = Array.from({ length: 3 + (i % 5) }, () => pick(B64, 64));
    lines.push(`${pick(B64, 20 + i)}==`);
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----`;
  }),
};

// URL credentials: the labeled span is `user:password`, the host is kept.
const urls: [string, string][] = [
  ["postgres://", "admin:s3cr3t-Pa55@db.example.com:5432/app"],
  ["postgresql://", "loopkit:hunter2@127.0.0.1/loopkit"],
  ["https://", "deploy:ghx9_Qw7zP@git.example.org/team/repo.git"],
  ["mongodb+srv://", "app_user:Xy9%21pq77@cluster0.example.net/test?retryWrites=true"],
  ["redis://", "default:Tr0ub4dor3@cache.example.org:6379/0"],
  ["ftp://", "anonymous:guest@ftp.example.com/pub"],
  ["amqp://", "rabbit:c4rr0t-cake@mq.example.com:5672/vhost"],
  ["mysql://", "root:toor@localhost:3306/shop"],
  ["http://", "alice:wonderland@proxy.example.net:8080"],
  ["smtp://", "mailer:M4il!ng-2024@smtp.example.com:587"],
  ["https://", "ci-bot:8f14e45fceea167a5a36dedd4bea2543@registry.example.com/v2/"],
  ["sftp://", "backup:Backup_2025@files.example.org/nightly"],
  ["postgres://", "readonly:ro-pass-123@replica.example.com/analytics"],
  ["https://", "user%40example.com:p%40ss@api.example.com/v1"],
  ["ldap://", "cn-admin:LdapPa55@ldap.example.com"],
  ["svn://", "builder:Sv3n-pw@svn.example.org/trunk"],
];

const values: Record<Kind, string[]> = {
  EMAIL: [
    "jane.doe@example.com",
    "j.smith+newsletter@example.org",
    "o'connor@mail.example.net",
    "support-team@example.com",
    "ALICE@EXAMPLE.COM",
    "bob_1987@test.example",
    "first.last@sub.example.co",
    "x@example.io",
    "maria.garcia-lopez@example.es",
    "dev+ci@example.dev",
    "noreply@notifications.example.com",
    "h.mueller@example.de",
    "kontakt@beispiel.example",
    "user.name%tag@example.org",
    "ceo@startup.example",
    "priya.sharma@example.in",
    "tom@example.co.uk",
    "a.b.c.d@e.example.net",
  ],
  PHONE: [
    "(415) 555-0132",
    "415-555-0178",
    "415.555.0199",
    "+1 415 555 0123",
    "1-800-555-0110",
    "+1 (212) 555-0147",
    "212 555 0163",
    "020 7946 0123",
    "0161 496 0842",
    "07700 900461",
    "+44 20 7946 0958",
    "+44 7700 900077",
    "0113 496 0555",
    "+61 491 570 156",
    "0491 570 159",
    "+49 151 23456789",
    "0151 23456789",
    "030 4567890",
    "089/1234567",
    "+49 (0)40 3456789",
    "06 12 34 56 78",
    "01.45.67.89.01",
    "+33 1 23 45 67 89",
    "+33 6 12 34 56 78",
    "98765 43210",
    "+91 98765 43210",
    "+91-22-2345-6789",
    "+14155550123",
    "+34 612 345 678",
    "+39 06 1234 5678",
  ],
  CREDIT_CARD: cards,
  IBAN: ibans,
  US_SSN: [
    "078-05-1120",
    "123-45-6789",
    "536-22-1234",
    "401-33-5678",
    "772-10-4321",
    "219-09-9999",
    "001-01-0001",
    "665-99-1234",
    "899-12-3456",
    "234 56 7890",
    "345-67-8901",
    "456-78-9012",
    "512-34-5678",
    "623-45-0001",
    "148-22-9031",
    "287 64 1159",
    "503-71-2846",
  ],
  IP_ADDRESS: [
    "192.0.2.1",
    "198.51.100.23",
    "203.0.113.254",
    "10.0.0.12",
    "172.16.5.4",
    "192.168.1.20",
    "8.8.8.8",
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.0",
    "2001:db8::1",
    "2001:db8:85a3::8a2e:370:7334",
    "2001:0db8:0000:0000:0000:ff00:0042:8329",
    "fe80::1ff:fe23:4567:890a",
    "::1",
    "::ffff:192.0.2.128",
    "2001:db8:0:0:1:0:0:1",
    "FE80::0202:B3FF:FE1E:8329",
  ],
  ...secrets,
};

const templates: Record<Kind, string[]> = {
  EMAIL: [
    "Hi, you can reach me at {v} if anything goes wrong.",
    "Please send the invoice to {v}.",
    "My login email is {v} but the reset link never arrives",
    "cc: {v}",
    "Contact ({v}) for access.",
    "The user <{v}> reported the bug yesterday.",
  ],
  PHONE: [
    "Call me at {v} after 5pm.",
    "My number is {v}, text before calling.",
    "Phone: {v}",
    "You can reach the front desk on {v}.",
    "Tel. {v} (office hours only)",
    "Ring {v} and ask for Sam.",
  ],
  CREDIT_CARD: [
    "My card number is {v} and it keeps getting declined.",
    "Charge {v}, exp 12/28, CVC 123.",
    "card: {v}",
    "I paid with {v} yesterday but no receipt came.",
  ],
  IBAN: [
    "Please transfer the refund to {v}.",
    "IBAN: {v}",
    "My account is {v}, BIC on request.",
    "Use {v} for the deposit, reference INV-2024-0042.",
  ],
  US_SSN: [
    "My SSN is {v}.",
    "ssn: {v}",
    "The form asked for my social security number ({v}) again.",
    "Applicant SSN {v}, DOB 04/12/1987.",
  ],
  IP_ADDRESS: [
    "The server at {v} is not responding.",
    "Requests from {v} are getting 403s.",
    "ping {v} times out",
    "Whitelist {v} in the firewall please.",
    "client ip={v} status=500",
  ],
  OPENAI_KEY: [
    "here is my key {v} why doesn't it work",
    "OPENAI_API_KEY={v}",
    'client = OpenAI(api_key="{v}")',
  ],
  ANTHROPIC_KEY: ["ANTHROPIC_API_KEY={v}", "I set x-api-key: {v} but get 401", 'key = "{v}"'],
  AWS_ACCESS_KEY: [
    "aws_access_key_id = {v}",
    "export AWS_ACCESS_KEY_ID={v}",
    "The key {v} was leaked in the logs.",
  ],
  GITHUB_TOKEN: [
    "git clone https://{v}@github.com/acme/app.git",
    "GITHUB_TOKEN={v}",
    "use token {v} for the CI",
  ],
  SLACK_TOKEN: [
    "SLACK_BOT_TOKEN={v}",
    "post to https://{v} when done",
    "the token {v} stopped working",
  ],
  STRIPE_KEY: ["STRIPE_SECRET_KEY={v}", "stripe.api_key = '{v}'", "I rotated {v} yesterday."],
  JWT: [
    "Authorization: Bearer {v}",
    "my token is {v} and it expired?",
    "cookie session={v}; Path=/",
  ],
  PRIVATE_KEY: [
    "Here is the key file:\n{v}\nwhy does ssh reject it?",
    "```\n{v}\n```",
    "key: |\n{v}",
  ],
};

const cases: Case[] = [];
for (const [kind, list] of Object.entries(values)) {
  const ts = templates[kind]!;
  list.forEach((value, i) => {
    for (let k = 0; k < 2; k++) {
      const template = ts[(i + k * 3) % ts.length]!;
      const at = template.indexOf("{v}");
      const text = template.replace("{v}", value);
      cases.push({ text, spans: [{ kind, start: at, end: at + value.length }] });
    }
  });
}
urls.forEach(([scheme, rest], i) => {
  const creds = rest.slice(0, rest.indexOf("@"));
  const prefixes = ["DATABASE_URL=", "connect to ", "the config has url: ", "try "];
  for (let k = 0; k < 2; k++) {
    const prefix = prefixes[(i + k) % prefixes.length]!;
    const text = `${prefix}${scheme}${rest}${k ? " and it fails" : ""}`;
    const start = prefix.length + scheme.length;
    cases.push({ text, spans: [{ kind: "URL_CREDENTIALS", start, end: start + creds.length }] });
  }
});

// Mixed sentences: several kinds in one message, as people paste them.
function mixed(parts: (string | [Kind, string])[]): Case {
  let text = "";
  const spans: Case["spans"] = [];
  for (const p of parts) {
    if (typeof p === "string") text += p;
    else {
      spans.push({ kind: p[0], start: text.length, end: text.length + p[1].length });
      text += p[1];
    }
  }
  return { text, spans };
}
cases.push(
  mixed([
    "I'm Jane (",
    ["EMAIL", "jane.doe@example.com"],
    ", ",
    ["PHONE", "+1 415 555 0123"],
    "), card ",
    ["CREDIT_CARD", "4242 4242 4242 4242"],
    " was charged twice on 2024-03-05.",
  ]),
  mixed([
    "Refund to ",
    ["IBAN", "DE89 3704 0044 0532 0130 00"],
    " please; my order #112-3456789-1234567 never shipped.",
  ]),
  mixed([
    "ssh from ",
    ["IP_ADDRESS", "203.0.113.7"],
    " with user deploy failed at 10:42:07, key id ",
    ["AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"],
    ".",
  ]),
  mixed([
    "Name: John, SSN ",
    ["US_SSN", "123-45-6789"],
    ", phone ",
    ["PHONE", "(415) 555-0199"],
    ", version 2.4.1",
  ]),
  mixed([
    "Email ",
    ["EMAIL", "priya.sharma@example.in"],
    " or WhatsApp ",
    ["PHONE", "+91 98765 43210"],
    " between 9-5 IST.",
  ]),
  mixed([
    "Booking ref 48213977, paid €1,249.50 with ",
    ["CREDIT_CARD", "5555-5555-5555-4444"],
    " on 15/01/2024.",
  ]),
);

// Held-out texts: {{KIND|value}} marks in holdout.txt (see its header).
const holdout: Case[] = [];
for (const line of readFileSync(here("holdout.txt"), "utf8").split("\n")) {
  if (line.trim() === "" || line.startsWith("#")) continue;
  const source = line.replace(/\\n/g, "\n");
  const mark = /\{\{([A-Z_]+)\|([\s\S]*?)\}\}/g;
  let text = "";
  let last = 0;
  const spans: Case["spans"] = [];
  for (let m = mark.exec(source); m !== null; m = mark.exec(source)) {
    text += source.slice(last, m.index);
    const kind = m[1]!;
    let value = m[2]!;
    const lt = value.indexOf("<");
    if (kind === "EMAIL" && lt >= 0) {
      text += value.slice(0, lt + 1);
      value = value.slice(lt + 1, -1);
      spans.push({ kind, start: text.length, end: text.length + value.length });
      text += `${value}>`;
    } else {
      const labeled = kind === "URL_CREDENTIALS" ? value.slice(0, -1) : value;
      spans.push({ kind, start: text.length, end: text.length + labeled.length });
      text += value;
    }
    last = m.index + m[0].length;
  }
  text += source.slice(last);
  holdout.push({ text, spans, set: "holdout" });
}

// Phone numbers written as bare digits count only after a phone word (made-up numbers in the
// fictional ranges above: NANP 555-01xx, Ofcom 07700 900xxx and 020 7946 0xxx, ACMA 0491 570xxx).
const barePhones = [
  "4155550132",
  "2125550147",
  "07700900461",
  "02079460123",
  "0491570156",
  "9876543210",
  "15555550123",
  "0612345678",
  "01512345678",
  "8765432109",
];
const bareTemplates = [
  "Call me on {v} after six.",
  "my number is {v}",
  "Mobile: {v}",
  "WhatsApp {v} if urgent",
  "you can text me at {v}",
  "Tel {v}",
];
barePhones.forEach((value, i) => {
  for (let k = 0; k < 2; k++) {
    const template = bareTemplates[(i + k * 3) % bareTemplates.length]!;
    const at = template.indexOf("{v}");
    cases.push({
      text: template.replace("{v}", value),
      spans: [{ kind: "PHONE", start: at, end: at + value.length }],
    });
  }
});

const negatives = readFileSync(here("negatives.txt"), "utf8")
  .split("\n")
  .map((line) => line.replace(/\\n/g, "\n"))
  .filter((line) => line.trim() !== "" && !line.startsWith("#"));
for (const text of negatives) cases.push({ text, spans: [] });

cases.push(...holdout);
writeFileSync(here("corpus.jsonl"), `${cases.map((c) => JSON.stringify(c)).join("\n")}\n`);
console.log(
  `wrote ${cases.length} cases (${negatives.length} hard negatives, ${holdout.length} held-out texts)`,
);
