/**
 * Conformance of the recognizers with public references, not with the repository's own corpus:
 * every input below is copied from (or built by the rule of) the source named beside it, and
 * checksums are re-derived here with BigInt/plain arithmetic rather than with the code under test.
 */
import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

/** `[kind, value]` of every finding, in order. */
function found(text: string): [string, string][] {
  return redact(text).findings.map((f) => [f.kind, text.slice(f.start, f.end)]);
}

/** Whether `text` is found whole, as one finding of `kind`, inside a sentence. */
function expectFound(kind: string, value: string): void {
  expect(found(`see ${value} here`)).toEqual([[kind, value]]);
}

/** Whether no finding of `kind` (or of any kind, when omitted) is made in `text`. */
function expectNone(text: string, kind?: string): void {
  const kinds = found(text).map(([k]) => k);
  if (kind === undefined) expect(kinds).toEqual([]);
  else expect(kinds).not.toContain(kind);
}

/** Luhn (ISO/IEC 7812-1), written out here so the fixtures are checked independently. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 7064 MOD 97-10 with BigInt, as ISO 13616-1 states it. */
function mod97(iban: string): bigint {
  const moved = iban.slice(4) + iban.slice(0, 4);
  const numeric = [...moved].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("");
  return BigInt(numeric) % 97n;
}

/** Card groupings as printed on cards: Amex 4-6-5, 14-digit Diners 4-6-4, others in fours. */
function grouped(digits: string, sep: string): string {
  if (digits.length === 15 || digits.length === 14) {
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  }
  return digits.match(/.{1,4}/g)!.join(sep);
}

describe("payment cards", () => {
  // Stripe, "Testing" (docs.stripe.com/testing), cards by brand.
  const stripe: [string, string][] = [
    ["Visa", "4242424242424242"],
    ["Visa (debit)", "4000056655665556"],
    ["Mastercard", "5555555555554444"],
    ["Mastercard (2-series)", "2223003122003222"],
    ["Mastercard (debit)", "5200828282828210"],
    ["Mastercard (prepaid)", "5105105105105100"],
    ["American Express", "378282246310005"],
    ["American Express", "371449635398431"],
    ["Discover", "6011111111111117"],
    ["Discover", "6011000990139424"],
    ["Discover (debit)", "6011981111111113"],
    ["Diners Club", "3056930009020004"],
    ["Diners Club (14-digit card)", "36227206271667"],
    ["BCcard and DinaCard", "6555900000604105"],
    ["JCB", "3566002020360505"],
    ["UnionPay", "6200000000000005"],
    ["UnionPay (debit)", "6200000000000047"],
    ["UnionPay (19-digit card)", "6205500000000000004"],
  ];
  // PayPal Developer, "Card testing" (developer.paypal.com/tools/sandbox/card-testing), test cards.
  const paypal: [string, string][] = [
    ["American Express", "376680816376961"],
    ["Diners Club", "36259600000004"],
    ["Maestro", "6304000000000000"],
    ["Maestro", "5063516945005047"],
    ["Mastercard", "2223000048400011"],
    ["Visa", "4005519200000004"],
    ["Visa", "4012000033330026"],
    ["Visa", "4012000077777777"],
    ["Visa", "4012888888881881"],
    ["Visa", "4217651111111119"],
    ["Visa", "4500600000000061"],
    ["Visa", "4772129056533503"],
    ["Visa", "4915805038587737"],
  ];

  it.each([...stripe, ...paypal])("%s %s: plain, with spaces and with dashes", (_brand, n) => {
    expect(luhn(n)).toBe(true); // the published numbers carry a valid check digit
    expectFound("CREDIT_CARD", n);
    expectFound("CREDIT_CARD", grouped(n, " "));
    expectFound("CREDIT_CARD", grouped(n, "-"));
  });

  it("Stripe's Amex as printed in its docs, 3782 822463 10005", () => {
    expectFound("CREDIT_CARD", "3782 822463 10005");
  });

  // Stripe lists 4242424242424241 as the "incorrect_number" card: it fails the Luhn check.
  it("does not take Stripe's Luhn-failing 4242 4242 4242 4241 for a card", () => {
    expect(luhn("4242424242424241")).toBe(false);
    expectNone("card 4242424242424241", "CREDIT_CARD");
    expectNone("card 4242 4242 4242 4241", "CREDIT_CARD");
    expectNone("card 4242-4242-4242-4241", "CREDIT_CARD");
  });

  it("does not take any published number with its check digit changed for a card", () => {
    for (const [, n] of [...stripe, ...paypal]) {
      const bad = n.slice(0, -1) + String((Number(n.at(-1)) + 1) % 10);
      expect(luhn(bad)).toBe(false);
      expectNone(`card ${bad}`, "CREDIT_CARD");
      expectNone(`card ${grouped(bad, "-")}`, "CREDIT_CARD");
      // The 19-digit one in groups of four: see the todo below.
      if (bad.length < 19) expectNone(`card ${grouped(bad, " ")}`, "CREDIT_CARD");
    }
  });

  it.todo(
    "6205 5000 0000 0000 005 (Stripe's 19-digit UnionPay, check digit changed): its last four groups, 5000 0000 0000 005, pass Luhn by chance (1 in 10) and are taken for a 15-digit card; windows that start inside a space-grouped run are needed for '2 × 4242 4242 4242 4242', so a rule for 'the whole run is card-shaped and fails Luhn' is left open",
  );
});

describe("IBAN", () => {
  // Examples of the SWIFT IBAN Registry (ISO 13616), one per country; GB82 WEST… is the ECBS
  // example (EBS204). Lengths: NO 15 (shortest), MT and SC 31, LC 32, RU 33 (longest).
  const examples = [
    "GB29NWBK60161331926819",
    "GB82WEST12345698765432",
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "NO9386011117947",
    "BE68539007547034",
    "CH9300762011623852957",
    "NL91ABNA0417164300",
    "AT611904300234573201",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "PL61109010140000071219812874",
    "SE4550000000058398257466",
    "BR1800360305000010009795493C1",
    "SA0380000000608010167519",
    "MT84MALT011000012345MTLCAST001S",
    "SC18SSCB11010000000000001497USD",
    "LC55HEMM000100010012001200023015",
    "RU0304452522540817810538091310419",
  ];

  it.each(examples)("%s: electronic and paper format (groups of four)", (iban) => {
    expect(mod97(iban)).toBe(1n);
    expectFound("IBAN", iban);
    expectFound("IBAN", iban.match(/.{1,4}/g)!.join(" "));
    expect(found(`IBAN: ${iban}.`)).toEqual([["IBAN", iban]]);
  });

  it("does not take an IBAN with wrong MOD 97-10 check digits", () => {
    for (const iban of examples) {
      const last = iban.at(-1)!;
      if (!/\d/.test(last)) continue;
      const bad = iban.slice(0, -1) + String((Number(last) + 1) % 10);
      expect(mod97(bad)).not.toBe(1n);
      expectNone(bad, "IBAN");
      expectNone(bad.match(/.{1,4}/g)!.join(" "), "IBAN");
    }
    expectNone("GB82 WEST 1234 5698 7654 33", "IBAN");
  });
});

describe("email", () => {
  it.each([
    // RFC 5322 Appendix A.1.1–A.1.3 (addresses of the examples).
    "jdoe@machine.example",
    "mary@example.net",
    "pete@silly.example",
    // RFC 5233 §1 (subaddress with "+").
    "ken+sieve@example.org",
    // RFC 3696 §3 (an underscore and a percent sign are ordinary in the local part).
    "_somename@example.com",
    // Dot-atom local part and several subdomain labels (RFC 5322 §3.4.1, RFC 1035 §2.3.1).
    "jane.doe@mail.eng.example.co.uk",
    "JANE.DOE@EXAMPLE.COM",
  ])("%s", (address) => expectFound("EMAIL", address));

  it("takes the address out of an RFC 5322 name-addr, John Doe <jdoe@machine.example>", () => {
    expect(found("From: John Doe <jdoe@machine.example>")).toEqual([
      ["EMAIL", "jdoe@machine.example"],
    ]);
  });

  // Internationalized local parts (RFC 6530/6531), as in the Wikipedia "Email address" article.
  it("takes a local part with letters beyond ASCII, Pelé@example.com", () => {
    expectFound("EMAIL", "Pelé@example.com");
  });

  it.todo(
    'internationalized domains (IDNA 2008): U-labels as in δοκιμή@παράδειγμα.δοκιμή and медведь@с-балалайкой.рф (Wikipedia "Email address") and A-label TLDs as in ua-test@ua-test.xn--vermgensberatung-pwb (UASG 004) are missed whole; a DOMAIN pattern taking U+00C0–U+04FF and xn-- TLDs passes them but adds ~26 B gzip to the SDK redact entry, which has 8 B left of its 10 kB',
  );

  it.todo(
    'addresses in scripts written without spaces (我買@屋企.香港, Wikipedia "Email address"): CJK letters are not taken, since prose glued to the address would join its span; needs a word-boundary rule for those scripts',
  );

  it("takes all of a local part with accented letters, andré.müller@example.de", () => {
    expectFound("EMAIL", "andré.müller@example.de");
  });

  it("keeps typographic quotes and glued CJK prose out of the span", () => {
    expect(found("“jane@example.com”")).toEqual([["EMAIL", "jane@example.com"]]);
    expect(found("«jane@example.com»")).toEqual([["EMAIL", "jane@example.com"]]);
    expect(found("请发邮件至jane@example.com，谢谢")).toEqual([["EMAIL", "jane@example.com"]]);
  });

  it("does not take a host without a dot, an SSH remote or a handle for an address", () => {
    // The README's rule: a labelled domain with an alphabetic TLD.
    expectNone("mail root@localhost for help");
    // scp-like syntax of git (git-scm.com, "Git on the Server – The Protocols").
    expectNone("git clone git@github.com:acme/app.git");
    expectNone("thanks @jane and @bob");
  });

  it.todo(
    "RFC 3696 §3 local parts with / = ! $ (customer/department=shipping@example.com): only the part after the last unsupported character is redacted; widening the local-part set would pull URL query text (?email=) into the span",
  );
});

describe("IP addresses", () => {
  // RFC 5737 §3: documentation ranges TEST-NET-1/2/3.
  it.each(["192.0.2.1", "198.51.100.42", "203.0.113.254"])("IPv4 %s", (ip) => {
    expectFound("IP_ADDRESS", ip);
    expect(found(`connect to ${ip}:8080 now`)).toEqual([["IP_ADDRESS", ip]]);
  });

  // RFC 4291 §2.2, the three text forms and their examples; RFC 5952 §4 and §5.
  it.each([
    "2001:DB8:0:0:8:800:200C:417A",
    "FF01:0:0:0:0:0:0:101",
    "0:0:0:0:0:0:0:1",
    "2001:DB8::8:800:200C:417A",
    "FF01::101",
    "::1",
    "0:0:0:0:0:0:13.1.68.3",
    "0:0:0:0:0:FFFF:129.144.52.38",
    "::13.1.68.3",
    "::FFFF:129.144.52.38",
    "2001:db8::1:0:0:1",
    "2001:0db8::0001",
    "::ffff:192.0.2.1",
  ])("IPv6 %s", (ip) => expectFound("IP_ADDRESS", ip));

  it("IPv6 with a port in brackets (RFC 5952 §6) and with a zone id (RFC 4007 §11)", () => {
    expect(found("http://[2001:db8::1]:8080/")).toEqual([["IP_ADDRESS", "2001:db8::1"]]);
    const text = "ping fe80::1ff:fe23:4567:890a%eth2";
    const out = redact(text).text;
    expect(out).not.toContain("fe80");
    expect(out).not.toContain("890a");
  });

  it("an IPv6 interface address with its prefix length (RFC 4291 §2.3)", () => {
    expect(found("inet6 2001:db8::17/64")).toEqual([["IP_ADDRESS", "2001:db8::17"]]);
  });

  it.todo(
    "inet 192.0.2.17/24 (CIDR notation, RFC 4632 §3.1): the IPv4 host address before /24 is not found, while the IPv6 one before /64 is; the number recognizer never ends a window at a '/' (dates like 12/05/2024 stay whole), so allowing '/prefix' after a dotted quad is a separate change",
  );

  it("leaves version strings, dates, OIDs, MAC addresses and times alone", () => {
    expectNone("upgrade to 1.2.3.4.5 today");
    expectNone("released 2024.01.15");
    // RFC 2578 OID prefix (iso.org.dod.internet.private.enterprise).
    expectNone("OID 1.3.6.1.4.1");
    // RFC 7042 §2.1.1 documentation MAC address, colon-separated.
    expectNone("MAC 00:00:5e:00:53:00");
    expectNone("at 10:30:45 UTC");
    expectNone("std::vector<int>");
    // An octet over 255, and leading zeros (ambiguous: octal in inet_aton).
    expectNone("host 256.1.1.1 or 192.168.001.001");
  });
});

describe("phone numbers", () => {
  // libphonenumber metadata example numbers (PhoneNumberMetadata.xml), in E.164 and as
  // libphonenumber formats them internationally and nationally.
  it.each([
    "+12015550123",
    "+1 201-555-0123",
    "+44 121 234 5678",
    "+44 7400 123456",
    "+49 30 123456",
    "+49 1512 3456789",
    "+33 1 23 45 67 89",
    "+33 6 12 34 56 78",
    "+91 81234 56789",
    // The libphonenumber README's Swiss example, "044 668 18 00", in international format.
    "+41 44 668 18 00",
  ])("international %s", (phone) => expectFound("PHONE", phone));

  it.each([
    "(201) 555-0123",
    "201-555-0123",
    "0121 234 5678",
    "07400 123456",
    "01512 3456789",
    "01 23 45 67 89",
    "06 12 34 56 78",
    "081234 56789",
  ])("national %s", (phone) => expectFound("PHONE", phone));

  it("German fixed-line example 030 123456 (libphonenumber DE fixedLine 30123456)", () => {
    expectFound("PHONE", "030 123456");
  });

  it.todo(
    "Swiss national format 044 668 18 00 (libphonenumber README): national formats beyond US/UK/DE/FR/IN are a documented gap; use +41",
  );

  it("leaves ISO 8601 dates and times, ISBNs, order numbers and timestamps alone", () => {
    // ISO 8601 extended and basic formats.
    expectNone("2024-01-15");
    expectNone("2024-01-15T10:30:45Z");
    expectNone("20240115T103045Z");
    expectNone("2024-01-15 10:30:45");
    // ISBN-13 example of ISO 2108 (Wikipedia "ISBN").
    expectNone("ISBN 978-0-306-40615-7");
    expectNone("order 4155550132 shipped");
    expectNone("created 1700000000");
  });
});

describe("US SSN", () => {
  // SSA, "Social Security Number Randomization": area 000, 666 and 900–999 are never assigned,
  // nor group 00 or serial 0000.
  it.each(["001-01-0001", "123-45-6789", "665-45-6789", "667-45-6789", "899-45-6789"])(
    "%s (valid area, group and serial)",
    (ssn) => {
      expectFound("US_SSN", ssn);
      expectFound("US_SSN", ssn.replace(/-/g, " "));
    },
  );

  it.each([
    "000-12-3456",
    "666-12-3456",
    "900-12-3456",
    "987-65-4320", // SSA: reserved for advertising
    "999-99-9999",
    "123-00-4567",
    "123-45-0000",
  ])("not %s (never assigned)", (ssn) => expectNone(`SSN ${ssn}`, "US_SSN"));
});

describe("secrets", () => {
  it("AWS access key ids (AWS IAM docs example AKIAIOSFODNN7EXAMPLE; ASIA for STS)", () => {
    expectFound("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE");
    expectFound("AWS_ACCESS_KEY", "ASIAIOSFODNN7EXAMPLE");
    expectNone("AKIAIOSFODNN7EXAMPL", "AWS_ACCESS_KEY"); // 19 characters
  });

  // GitHub, "Behind GitHub's new authentication token formats" (2021): prefix + 36 base62
  // (GitHub docs' example ghp_16C7e42F292c6912E7710c838347Ae178B4a); fine-grained tokens
  // github_pat_ + 22 + "_" + 59 (GitGuardian's detector example).
  it("GitHub tokens", () => {
    for (const prefix of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) {
      expectFound("GITHUB_TOKEN", `${prefix}16C7e42F292c6912E7710c838347Ae178B4a`);
    }
    expectFound(
      "GITHUB_TOKEN",
      "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",
    );
  });

  // Slack, "Token types": bot xoxb-, user xoxp-; samples of Cribl's regex library.
  it("Slack tokens", () => {
    expectFound("SLACK_TOKEN", "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy");
    expectFound("SLACK_TOKEN", "xoxp-23984754863-2348975623103");
  });

  // Stripe, "API keys": sk_live_, sk_test_, rk_live_ (the docs' sample key 4eC39HqLyjWDarjtT1zdp7dc).
  it("Stripe keys", () => {
    for (const prefix of ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]) {
      expectFound("STRIPE_KEY", `${prefix}4eC39HqLyjWDarjtT1zdp7dc`);
    }
  });

  // OpenAI: legacy user keys "sk-" + 48 base62; project keys "sk-proj-…" with "-" and "_".
  it("OpenAI keys", () => {
    expectFound("OPENAI_KEY", "sk-4eC39HqLyjWDarjtT1zdp7dcT3BlbkFJ4eC39HqLyjWDarjtT1zd");
    expectFound(
      "OPENAI_KEY",
      "sk-proj-4eC39HqLyjWDarjtT1zdp7dc_T3BlbkFJ-4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjtT1zdp7dc",
    );
  });

  // Anthropic: "sk-ant-api03-" + base64url body (console keys), "sk-ant-admin01-" admin keys.
  it("Anthropic keys", () => {
    const body =
      "4eC39HqLyjWDarjtT1zdp7dc_4eC39HqLyjWDarjtT1zdp7dc-4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjtT1zdAA";
    expectFound("ANTHROPIC_KEY", `sk-ant-api03-${body}`);
    expectFound("ANTHROPIC_KEY", `sk-ant-admin01-${body}`);
  });

  it.todo(
    "Google API keys, AIza + 35 (Google Maps docs sample AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe): no built-in kind; adding one is a public API change (BUILTIN_KINDS) and grows the SDK redact entry, which is at its 10 kB limit",
  );

  it.todo(
    "Authorization: Bearer mF_9.B5f-4.1JqM (RFC 6750 §2.1): opaque bearer tokens have no built-in kind; only JWT-shaped ones are found",
  );

  it("JWTs: RFC 7519 §3.1, jwt.io's example, and RFC 7519 §6.1's unsecured JWT", () => {
    const rfc =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const jwtIo =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const unsecured =
      "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
    expectFound("JWT", rfc);
    expectFound("JWT", jwtIo);
    expect(found(`token ${unsecured}`)).toEqual([["JWT", unsecured]]);
    expect(found(`Authorization: Bearer ${jwtIo}`)).toEqual([["JWT", jwtIo]]);
  });

  // RFC 7468 §10 (PKCS #8 "PRIVATE KEY") and §11 ("ENCRYPTED PRIVATE KEY"); the legacy
  // "RSA PRIVATE KEY" / "EC PRIVATE KEY" labels of OpenSSL; OpenSSH's PROTOCOL.key; the
  // OpenPGP armor "PGP PRIVATE KEY BLOCK" (RFC 4880 §6.2).
  it("PEM private key blocks, with their labels", () => {
    const body =
      "MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQgVcB/UNPxalR9zDYAjQIf\njojUDiQuGnSJrFEEzZPT/92hRANCAASc7UJtgnF/abqWM60T3XNJEzBv5ez9TdwK\nH0M6xpM2q+53wmsN/eYLdgtjgBd3DBmHtPilCkiFICXyaA8z9LkJ";
    for (const label of [
      "PRIVATE KEY",
      "ENCRYPTED PRIVATE KEY",
      "RSA PRIVATE KEY",
      "EC PRIVATE KEY",
      "OPENSSH PRIVATE KEY",
      "PGP PRIVATE KEY BLOCK",
    ]) {
      const pem = `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
      expect(found(`key:\n${pem}\nthanks`)).toEqual([["PRIVATE_KEY", pem]]);
    }
    expectNone(`-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`, "PRIVATE_KEY");
    expectNone(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`, "PRIVATE_KEY");
  });

  it("credentials in URLs (RFC 3986 §3.2.1 userinfo; PostgreSQL and MongoDB docs' URIs)", () => {
    expect(redact("postgresql://user:secret@localhost/otherdb").text).toBe(
      "postgresql://[URL_CREDENTIALS]@localhost/otherdb",
    );
    expect(
      redact(
        "mongodb://myDBReader:D1fficultP%40ssw0rd@mongodb0.example.com:27017/?authSource=admin",
      ).text,
    ).toBe("mongodb://[URL_CREDENTIALS]@mongodb0.example.com:27017/?authSource=admin");
    expect(redact("redis://:hunter2@cache.example.com:6379/0").text).toBe(
      "redis://[URL_CREDENTIALS]@cache.example.com:6379/0",
    );
    expectNone("postgresql://other@localhost/otherdb?connect_timeout=10", "URL_CREDENTIALS");
  });
});
