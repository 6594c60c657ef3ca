import { type BuiltinKind, type Emit, isWordChar, type Recognizer } from "./kinds.js";

/**
 * API keys and tokens by their documented prefixes. Every pattern starts with a literal, has no
 * nested quantifiers and bounded repetitions, so each one matches in linear time.
 */
const TOKEN_PATTERNS: readonly {
  kind: BuiltinKind;
  pattern: RegExp;
  check?: (s: string) => boolean;
}[] = [
  // Anthropic: sk-ant-api03-…, sk-ant-admin01-…
  { kind: "ANTHROPIC_KEY", pattern: /sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{20,400}/g },
  // OpenAI: sk-…(48), sk-proj-…, sk-svcacct-…, sk-admin-…; must mix letters and digits.
  {
    kind: "OPENAI_KEY",
    pattern: /sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,400}/g,
    check: (s) => /\d/.test(s) && /[A-Za-z]{2}/.test(s.slice(3)),
  },
  // AWS access key ids (long-term AKIA, temporary ASIA): 20 upper-case characters.
  { kind: "AWS_ACCESS_KEY", pattern: /(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])/g },
  // GitHub: classic tokens gh[pousr]_ + 36 base62, fine-grained github_pat_ + 82.
  { kind: "GITHUB_TOKEN", pattern: /gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/g },
  { kind: "GITHUB_TOKEN", pattern: /github_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])/g },
  // Slack: xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe- tokens, app-level xapp- tokens, webhook URLs.
  { kind: "SLACK_TOKEN", pattern: /xox[abeprs]-(?:\d+-)?[A-Za-z0-9-]{10,250}/g },
  { kind: "SLACK_TOKEN", pattern: /xapp-\d-[A-Za-z0-9-]{10,250}/g },
  { kind: "SLACK_TOKEN", pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,120}/g },
  // Stripe: secret, restricted and publishable keys, live and test.
  { kind: "STRIPE_KEY", pattern: /(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9])/g },
];

function isBase64UrlChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95
  );
}

/** The end of the base64url run (with up to two "=" of padding) that starts at `from`. */
function base64UrlRunEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBase64UrlChar(text.charCodeAt(i))) i++;
  let pad = 0;
  while (pad < 2 && text.charCodeAt(i) === 61) {
    i++;
    pad++;
  }
  return i;
}

/**
 * JWS compact form (RFC 7515): `header.payload.signature`, header and payload base64url JSON
 * objects, so both start with "eyJ". Scanned by hand: every character is read a bounded number
 * of times, however many "eyJ" a text holds.
 */
function scanJwts(text: string, emit: Emit): void {
  let from = 0;
  for (let s = text.indexOf("eyJ", from); s !== -1; s = text.indexOf("eyJ", from)) {
    const headerEnd = base64UrlRunEnd(text, s + 3);
    from = headerEnd;
    if (text.charCodeAt(headerEnd) !== 46 || !text.startsWith("eyJ", headerEnd + 1)) continue;
    const payloadEnd = base64UrlRunEnd(text, headerEnd + 4);
    from = payloadEnd;
    if (text.charCodeAt(payloadEnd) !== 46) continue;
    const end = base64UrlRunEnd(text, payloadEnd + 1);
    from = end;
    if (headerEnd - s < 5 || payloadEnd - headerEnd < 6) continue;
    if (boundaryBefore(text, s) && jwtHeaderValid(text.slice(s, headerEnd))) emit("JWT", s, end);
  }
}

/** Whether a JWT's header decodes to a JSON object with an "alg" (RFC 7515 §4.1.1). */
function jwtHeaderValid(header: string): boolean {
  const b64 = header.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (b64.length % 4 === 1) return false;
  try {
    const decoded = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    if (!decoded.includes('"alg"')) return false;
    const json = JSON.parse(decoded) as unknown;
    return typeof json === "object" && json !== null && "alg" in json;
  } catch {
    return false;
  }
}

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_BODY = /(?:\s*[A-Za-z0-9+/=]{16,})*/y;

/** `scheme://user:password@` — the user and password are reported, the host is kept. */
const URL_CREDENTIALS = /:\/\/([^\s/?#@:]{1,256}):([^\s/?#@]{1,256})@/g;

function boundaryBefore(text: string, start: number): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  return !isWordChar(c) && c !== 45;
}

/** Finds API keys, tokens, JWTs, PEM private keys and credentials in URLs. */
export const secretRecognizer: Recognizer = {
  kinds: [
    "OPENAI_KEY",
    "ANTHROPIC_KEY",
    "AWS_ACCESS_KEY",
    "GITHUB_TOKEN",
    "SLACK_TOKEN",
    "STRIPE_KEY",
    "JWT",
    "PRIVATE_KEY",
    "URL_CREDENTIALS",
  ],
  scan(text: string, emit: Emit): void {
    for (const { kind, pattern, check } of TOKEN_PATTERNS) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        if (boundaryBefore(text, m.index) && (!check || check(m[0]))) {
          emit(kind, m.index, m.index + m[0].length);
        }
      }
    }
    scanJwts(text, emit);
    scanPrivateKeys(text, emit);
    URL_CREDENTIALS.lastIndex = 0;
    for (let m = URL_CREDENTIALS.exec(text); m !== null; m = URL_CREDENTIALS.exec(text)) {
      emit("URL_CREDENTIALS", m.index + 3, m.index + m[0].length - 1);
    }
  },
};

/**
 * PEM private keys, BEGIN line to END line. Without an END line (a truncated paste), the key
 * runs to the end of its base64 body. One forward search per block keeps this linear.
 */
function scanPrivateKeys(text: string, emit: Emit): void {
  PEM_BEGIN.lastIndex = 0;
  let noEndAfter = Number.POSITIVE_INFINITY;
  for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) {
    const bodyStart = m.index + m[0].length;
    let end = -1;
    if (bodyStart < noEndAfter) {
      for (
        let e = text.indexOf("-----END ", bodyStart);
        e !== -1;
        e = text.indexOf("-----END ", e + 1)
      ) {
        PEM_END.lastIndex = e;
        if (PEM_END.test(text)) {
          end = PEM_END.lastIndex;
          break;
        }
      }
      if (end < 0) noEndAfter = bodyStart;
    }
    if (end < 0) {
      PEM_BODY.lastIndex = bodyStart;
      PEM_BODY.test(text);
      end = PEM_BODY.lastIndex;
      while (end > bodyStart && /\s/.test(text[end - 1]!)) end--;
    }
    emit("PRIVATE_KEY", m.index, end);
    PEM_BEGIN.lastIndex = Math.max(end, m.index + 1);
  }
}
