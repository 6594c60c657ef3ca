/**
 * Realistic chat traffic for the benchmark: support, coding and writing conversations built from
 * a seeded generator, with personal data and secrets mixed in at a chosen density (share of
 * characters that are PII). The same seed gives the same text on every run.
 */

const SENTENCES = [
  "Hi, I can't log into my account since this morning, the page just reloads.",
  "Could you explain how to paginate results with the REST API?",
  "Thanks, that worked! One more question about the billing page though.",
  "Here is the stack trace: TypeError: Cannot read properties of undefined (reading 'map') at render (app.js:42:17).",
  "Please rewrite this paragraph so it sounds more formal and less repetitive.",
  "The order I placed on 2024-03-05 still shows as processing after 10 days.",
  "Sure! To reset your password, open Settings, then Security, then choose Reset password.",
  "I'm using version 2.4.1 of the SDK with Node 20 on macOS 14.",
  "Can you summarize the attached meeting notes in five bullet points?",
  "Your refund of $49.99 was issued and should arrive within 5-7 business days.",
  "def merge(a, b): return sorted(a + b)  # why is this slow for large lists?",
  "Translate 'Where is the train station?' into German and French, please.",
  "We shipped the fix in build 1.18.0; please update and let us know if it persists.",
  "What is the difference between a left join and an inner join in SQL?",
  "I got charged twice for the annual plan, can someone look into it?",
  "The dashboard shows 3,482 active users but our logs say 3,517, which one is right?",
  "Write a haiku about debugging at 3am.",
  "Our webhook endpoint returns 502 every few minutes under load, any idea why?",
  "Yes, you can export the report as CSV from the top-right menu.",
  "The meeting moved to Thursday at 14:30 CET, room 4B.",
];

const PII = [
  "jane.doe@example.com",
  "+1 (415) 555-0132",
  "4242 4242 4242 4242",
  "DE89 3704 0044 0532 0130 00",
  "123-45-6789",
  "203.0.113.7",
  "2001:db8::8a2e:370:7334",
  "sk-proj-abc123DEF456ghi789JKL012mno345PQR678",
  "AKIAIOSFODNN7EXAMPLE",
  "postgres://admin:hunter2@db.example.com/app",
  "020 7946 0123",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
];

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

/**
 * Chat messages totalling about `totalChars` characters, with `piiDensity` of the characters
 * being personal data or secrets.
 */
export function makeChatMessages(totalChars: number, piiDensity: number, seed = 42): string[] {
  const rand = prng(seed);
  const messages: string[] = [];
  let total = 0;
  let pii = 0;
  while (total < totalChars) {
    const parts: string[] = [];
    const sentences = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < sentences; i++) {
      parts.push(SENTENCES[Math.floor(rand() * SENTENCES.length)]!);
      if (pii < piiDensity * (total + parts.join(" ").length)) {
        const value = PII[Math.floor(rand() * PII.length)]!;
        parts.push(`My details: ${value}.`);
        pii += value.length;
      }
    }
    const message = parts.join(" ");
    messages.push(message);
    total += message.length;
  }
  return messages;
}
