import { LoopkitError } from "../errors.js";
import {
  BUILTIN_KINDS,
  type BuiltinKind,
  CUSTOM_PRIORITY,
  KIND_PRIORITY,
  type Recognizer,
} from "./kinds.js";
import { emailRecognizer } from "./recognize-email.js";
import { ibanRecognizer } from "./recognize-iban.js";
import { ipv6Recognizer } from "./recognize-ipv6.js";
import { numberRecognizer } from "./recognize-numbers.js";
import { secretRecognizer } from "./recognize-secrets.js";
import {
  makeReplacer,
  type Pseudonymizer,
  type RedactionStrategy,
  type Replacer,
} from "./replacement.js";

/** One redacted value: its kind and where it was, `[start, end)` in the input — never the value. */
export interface RedactionFinding {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

/** A pattern of your own: every match is redacted as `kind` (upper-case letters, digits, `_`). */
export interface CustomPattern {
  readonly kind: string;
  readonly pattern: RegExp;
}

/** Options of {@link redact} and {@link redactDeep}. */
export interface RedactOptions {
  /** The built-in kinds to look for (default: all of {@link BUILTIN_KINDS}). */
  readonly kinds?: readonly BuiltinKind[];
  /** Extra patterns; keep them free of nested quantifiers, as they run on untrusted text. */
  readonly customPatterns?: readonly CustomPattern[];
  /** Values never redacted (exact match; emails also case-insensitively), e.g. a support address. */
  readonly allow?: readonly string[];
  /** `placeholder` (default, `[EMAIL]`), `pseudonym` (`[EMAIL_3f9a1c]`) or `mask` (`[CREDIT_CARD …4242]`). */
  readonly strategy?: RedactionStrategy;
  /**
   * For the `pseudonym` strategy: `createPseudonymizer(projectSecret)` from
   * `@loopkit/core/pseudonym` (kept out of the main entry so placeholder-only bundles stay small).
   */
  readonly pseudonymize?: Pseudonymizer;
}

/** The outcome of {@link redact}. */
export interface RedactResult {
  readonly text: string;
  readonly findings: RedactionFinding[];
}

const RECOGNIZERS: readonly Recognizer[] = [
  secretRecognizer,
  emailRecognizer,
  ibanRecognizer,
  numberRecognizer,
  ipv6Recognizer,
];
const KNOWN_KINDS = new Set<string>(BUILTIN_KINDS);
const CUSTOM_KIND = /^[A-Z][A-Z0-9_]{0,63}$/;

interface Candidate {
  kind: string;
  start: number;
  end: number;
  priority: number;
}

/** Options checked once and turned into what the scan needs. */
export interface PreparedRedaction {
  readonly enabled: ReadonlySet<string>;
  readonly recognizers: readonly Recognizer[];
  readonly custom: readonly { kind: string; pattern: RegExp }[];
  readonly allow: ReadonlySet<string>;
  readonly replace: Replacer;
}

/**
 * Validates options and prepares the scan: the recognizers for the enabled kinds, global copies
 * of custom patterns, the allow list and the replacer.
 *
 * @throws {LoopkitError} `INVALID_CONFIG` for an unknown kind, a bad custom kind name, or the
 *   pseudonym strategy without a pseudonymizer.
 */
export function prepareRedaction(options: RedactOptions = {}): PreparedRedaction {
  const kinds = options.kinds ?? BUILTIN_KINDS;
  for (const kind of kinds) {
    if (!KNOWN_KINDS.has(kind)) {
      throw new LoopkitError(
        "INVALID_CONFIG",
        `redact: unknown kind "${kind}" in options.kinds; use one of ${BUILTIN_KINDS.join(", ")}, or add a customPattern`,
      );
    }
  }
  const enabled = new Set<string>(kinds);
  const custom = (options.customPatterns ?? []).map(({ kind, pattern }, i) => {
    if (!CUSTOM_KIND.test(kind)) {
      throw new LoopkitError(
        "INVALID_CONFIG",
        `redact: customPatterns[${i}].kind "${kind}" must be upper-case letters, digits and _ (like "ORDER_ID")`,
      );
    }
    const flags = pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`;
    return { kind, pattern: new RegExp(pattern.source, flags.replace("y", "")) };
  });
  const strategy = options.strategy ?? "placeholder";
  if (strategy !== "placeholder" && strategy !== "pseudonym" && strategy !== "mask") {
    throw new LoopkitError(
      "INVALID_CONFIG",
      `redact: unknown strategy "${strategy as string}"; use "placeholder", "pseudonym" or "mask"`,
    );
  }
  if (strategy === "pseudonym" && typeof options.pseudonymize !== "function") {
    throw new LoopkitError(
      "INVALID_CONFIG",
      'redact: the "pseudonym" strategy needs options.pseudonymize; pass createPseudonymizer(projectSecret) from "@loopkit/core/pseudonym"',
    );
  }
  const allow = new Set<string>();
  for (const value of options.allow ?? []) {
    allow.add(value);
    allow.add(value.toLowerCase());
  }
  return {
    enabled,
    recognizers: RECOGNIZERS.filter((r) => r.kinds.some((k) => enabled.has(k))),
    custom,
    allow,
    replace: makeReplacer(strategy, options.pseudonymize),
  };
}

let defaults: PreparedRedaction | undefined;
const preparedCache = new WeakMap<RedactOptions, PreparedRedaction>();

/**
 * Prepared options, reused across calls: the defaults once, an options object as long as it
 * lives (a caller passing the same options object per message pays for validation once). The
 * options are read once per object, so mutate a copy rather than the object itself.
 */
export function preparedFor(options: RedactOptions | undefined): PreparedRedaction {
  if (options === undefined) {
    defaults ??= prepareRedaction();
    return defaults;
  }
  let prepared = preparedCache.get(options);
  if (prepared === undefined) {
    prepared = prepareRedaction(options);
    preparedCache.set(options, prepared);
  }
  return prepared;
}

/**
 * Finds what to redact: runs every enabled recognizer and custom pattern once over the text,
 * drops allowed values, and resolves overlaps (higher priority, then longer, wins).
 */
export function findSensitive(text: string, prepared: PreparedRedaction): RedactionFinding[] {
  const candidates: Candidate[] = [];
  const { enabled } = prepared;
  const emit = (kind: BuiltinKind, start: number, end: number) => {
    if (enabled.has(kind))
      candidates.push({ kind, start, end, priority: KIND_PRIORITY[kind] ?? 0 });
  };
  for (const recognizer of prepared.recognizers) recognizer.scan(text, emit);
  for (const { kind, pattern } of prepared.custom) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      candidates.push({
        kind,
        start: m.index,
        end: m.index + m[0].length,
        priority: CUSTOM_PRIORITY,
      });
    }
  }
  if (candidates.length === 0) return [];
  candidates.sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (prepared.allow.size > 0) {
      const value = text.slice(c.start, c.end);
      if (
        prepared.allow.has(value) ||
        (c.kind === "EMAIL" && prepared.allow.has(value.toLowerCase()))
      )
        continue;
    }
    const last = kept[kept.length - 1];
    if (last === undefined || c.start >= last.end) {
      kept.push(c);
    } else if (
      c.priority > last.priority ||
      (c.priority === last.priority && c.end - c.start > last.end - last.start)
    ) {
      kept[kept.length - 1] = c;
    }
  }
  return kept.map(({ kind, start, end }) => ({ kind, start, end }));
}

/** Replaces findings in `text`, left to right. */
export function applyFindings(
  text: string,
  findings: readonly RedactionFinding[],
  replace: Replacer,
): string {
  if (findings.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const f of findings) {
    out += text.slice(cursor, f.start) + replace(f.kind, text.slice(f.start, f.end));
    cursor = f.end;
  }
  return out + text.slice(cursor);
}

/**
 * Removes personal data and secrets from a text before it is stored or leaves the device:
 * emails, phone numbers, payment cards (Luhn-checked), IBANs (MOD 97-checked), US SSNs, IP
 * addresses, API keys and tokens (OpenAI, Anthropic, AWS, GitHub, Slack, Stripe), JWTs, PEM
 * private keys and credentials in URLs. Synchronous, isomorphic and linear in the text's length.
 *
 * @param text - The text to clean.
 * @param options - Kinds to look for, custom patterns, an allow list and the replacement strategy.
 * @returns The redacted text, and what was found where (`[start, end)` in the input, never the value).
 * @throws {LoopkitError} `INVALID_CONFIG` for invalid options.
 *
 * @example
 * redact("mail jane@example.com").text // "mail [EMAIL]"
 */
export function redact(text: string, options?: RedactOptions): RedactResult {
  const prepared = preparedFor(options);
  const findings = findSensitive(text, prepared);
  return { text: applyFindings(text, findings, prepared.replace), findings };
}
