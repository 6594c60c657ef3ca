import { describe, it } from "vitest";

// Left open, upstream: PGlite (0.5.14) decodes each text value of a result with
// `new TextDecoder("utf-8")`, whose default (WHATWG Encoding Standard: ignoreBOM false) drops
// a leading U+FEFF as a byte order mark. The value is stored whole (octet_length counts the
// U+FEFF) and the pg driver reads it whole; on PGlite a text value that starts with U+FEFF reads
// back one character short. Found by the ingest.batch property test
// (packages/server/test/ingest-property.test.ts). A fix needs PGlite to decode with
// `ignoreBOM: true`, or this driver to read text some other way.
describe("the PGlite driver", () => {
  it.todo("reads back a text value that starts with U+FEFF as it was stored");
});
