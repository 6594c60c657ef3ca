/** Random bytes drawn per `getRandomValues` call: 256 ids' worth, refilled when used up. */
const POOL_SIZE = 16 * 256;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

/** The millisecond of the last id and its 12-bit counter (RFC 9562 §6.2, method 1). */
let lastMs = -1;
let counter = 0;

/**
 * Makes a UUIDv7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, version 7, a 12-bit
 * counter (`rand_a`, seeded randomly each millisecond below 2048 and incremented for each id of
 * the same millisecond, so ids of one process sort in creation order), the variant bits `10`,
 * then 62 random bits. Random bytes come from WebCrypto (browsers and Node 20), drawn in bulk:
 * one `getRandomValues` call per 256 ids.
 *
 * @param now - The time in Unix milliseconds (default `Date.now()`).
 * @returns The id in the canonical 8-4-4-4-12 lower-case hex form.
 */
export function newEventId(now: number = Date.now()): string {
  if (poolOffset === POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const o = poolOffset;
  poolOffset += 16;
  if (now === lastMs && counter < 0xfff) {
    counter++;
  } else {
    // A new millisecond (or the counter ran out): reseed with 11 random bits, leaving at
    // least 2048 increments before it can run out.
    counter = ((pool[o]! << 8) | pool[o + 1]!) & 0x7ff;
    lastMs = now;
  }
  const high = Math.floor(now / 0x1000000);
  const low = now % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    "-" +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    "-" +
    HEX[0x70 | (counter >>> 8)]! +
    HEX[counter & 0xff]! +
    "-" +
    HEX[(pool[o + 2]! & 0x3f) | 0x80]! +
    HEX[pool[o + 3]!]! +
    "-" +
    HEX[pool[o + 4]!]! +
    HEX[pool[o + 5]!]! +
    HEX[pool[o + 6]!]! +
    HEX[pool[o + 7]!]! +
    HEX[pool[o + 8]!]! +
    HEX[pool[o + 9]!]!
  );
}
