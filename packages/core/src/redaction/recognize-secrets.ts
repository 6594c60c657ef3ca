import { type BuiltinKind, type Emit, isWordChar, type Recognizer, SECRET_KINDS } from "./kinds.js";

interface TokenPattern {
  readonly kind: BuiltinKind;
  /** How many characters before the anchor the token starts. */
  readonly offset: number;
  /** Sticky; tried where the token would start. */
  readonly pattern: RegExp;
  readonly check?: (s: string) => boolean;
}

/**
 * API keys and tokens by their documented prefixes. Each prefix is found through a short,
 * rare anchor with `indexOf` (far faster than a regex scan over prose), then a sticky pattern is
 * tried where the token would start; the patterns have no nested quantifiers and bounded
 * repetitions, so the scan is linear.
 */
const TOKEN_ANCHORS: ReadonlyMap<string, readonly TokenPattern[]> = new Map<string, TokenPattern[]>(
  [
    [
      "k-",
      [
        // Anthropic: sk-ant-api03-…, sk-ant-admin01-…
        {
          kind: "ANTHROPIC_KEY",
          offset: 1,
          pattern: /sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{20,400}/y,
        },
        // OpenAI: sk-…(48), sk-proj-…, sk-svcacct-…, sk-admin-…; must mix letters and digits.
        {
          kind: "OPENAI_KEY",
          offset: 1,
          pattern: /sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,400}/y,
          check: (s) => /\d/.test(s) && /[A-Za-z]{2}/.test(s.slice(3)),
        },
      ],
    ],
    [
      "_",
      [
        // GitHub: classic tokens gh[pousr]_ + 36 base62, fine-grained github_pat_ + 82.
        {
          kind: "GITHUB_TOKEN",
          offset: 3,
          pattern: /gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/y,
        },
        {
          kind: "GITHUB_TOKEN",
          offset: 6,
          pattern: /github_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])/y,
        },
        // Stripe: secret, restricted and publishable keys, live and test.
        {
          kind: "STRIPE_KEY",
          offset: 2,
          pattern: /[srp]k_(?:live|test)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9])/y,
        },
      ],
    ],
    // AWS access key ids (long-term AKIA, temporary ASIA): 20 upper-case characters.
    ["AKIA", [{ kind: "AWS_ACCESS_KEY", offset: 0, pattern: /AKIA[A-Z2-7]{16}(?![A-Za-z0-9])/y }]],
    ["ASIA", [{ kind: "AWS_ACCESS_KEY", offset: 0, pattern: /ASIA[A-Z2-7]{16}(?![A-Za-z0-9])/y }]],
    // Slack: xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe- tokens, app-level xapp- tokens, webhook URLs.
    [
      "xox",
      [{ kind: "SLACK_TOKEN", offset: 0, pattern: /xox[abeprs]-(?:\d+-)?[A-Za-z0-9-]{10,250}/y }],
    ],
    ["xapp-", [{ kind: "SLACK_TOKEN", offset: 0, pattern: /xapp-\d-[A-Za-z0-9-]{10,250}/y }]],
    [
      ".slack.com/services/",
      [
        {
          kind: "SLACK_TOKEN",
          offset: 5,
          pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,120}/y,
        },
      ],
    ],
  ],
);

function scanTokens(text: string, emit: Emit): void {
  for (const [anchor, patterns] of TOKEN_ANCHORS) {
    let covered = 0; // end of the last token found from this anchor
    for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + 1)) {
      if (at < covered) continue;
      for (const { kind, offset, pattern, check } of patterns) {
        const start = at - offset;
        if (start < 0 || !boundaryBefore(text, start)) continue;
        pattern.lastIndex = start;
        const m = pattern.exec(text);
        if (m !== null && (!check || check(m[0]))) {
          emit(kind, start, start + m[0].length);
          covered = start + m[0].length;
          break;
        }
      }
    }
  }
}

/** The base64url alphabet (RFC 4648 §5): letters, digits, "-" and "_". */
function isBase64UrlChar(c: number): boolean {
  return isWordChar(c) || c === 45;
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
  for (let y = text.indexOf("yJ", from + 1); y !== -1; y = text.indexOf("yJ", from + 1)) {
    const s = y - 1;
    if (text.charCodeAt(s) !== 101 /* e */) {
      from = y;
      continue;
    }
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
    const json = JSON.parse(decoded) as unknown;
    return typeof json === "object" && json !== null && "alg" in json;
  } catch {
    return false;
  }
}

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_BODY = /(?:\s*[A-Za-z0-9+/=]{16,})*/y;

/** `scheme://user:password@` (the user may be empty) — user and password are reported, the host kept. */
const URL_CREDENTIALS = /:\/\/([^\s/?#@:]{0,256}):([^\s/?#@]{1,256})@/y;

function boundaryBefore(text: string, start: number): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  return !isWordChar(c) && c !== 45;
}

/** Finds API keys, tokens, JWTs, PEM private keys and credentials in URLs. */
export const secretRecognizer: Recognizer = {
  kinds: SECRET_KINDS,
  scan(text: string, emit: Emit): void {
    scanTokens(text, emit);
    scanJwts(text, emit);
    scanPrivateKeys(text, emit);
    for (let at = text.indexOf("://"); at !== -1; at = text.indexOf("://", at + 1)) {
      URL_CREDENTIALS.lastIndex = at;
      const m = URL_CREDENTIALS.exec(text);
      if (m !== null) {
        emit("URL_CREDENTIALS", at + 3, at + m[0].length - 1);
        at += m[0].length - 1;
      }
    }
  },
};

/**
 * PEM private keys, BEGIN line to END line. Without an END line (a truncated paste), the key
 * runs to the end of its base64 body. One forward search per block keeps this linear.
 */
function scanPrivateKeys(text: string, emit: Emit): void {
  let noEndAfter = Infinity;
  for (let b = text.indexOf("BEGIN "); b !== -1; b = text.indexOf("BEGIN ", b + 1)) {
    const at = b - 5;
    if (at < 0) continue;
    PEM_BEGIN.lastIndex = at;
    const m = PEM_BEGIN.exec(text);
    if (m === null) continue;
    const bodyStart = at + m[0].length;
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
    emit("PRIVATE_KEY", at, end);
    b = Math.max(b, end - 1);
  }
}
