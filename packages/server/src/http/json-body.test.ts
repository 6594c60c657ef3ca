import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeUtf8, readBody } from "./json-body.js";

/** What tRPC read before: the Fetch API's `text()` of the same bytes. */
const fetchText = (bytes: Buffer) => new Response(new Uint8Array(bytes)).text();

describe("decodeUtf8", () => {
  it("decodes every body as the Fetch API's text() does", async () => {
    const bodies = [
      Buffer.from('{"events":[{"output":"plain ASCII"}]}'),
      Buffer.from('{"output":"é ✓ 😀 ü€"}'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // BOM, then {}
      Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // two BOMs
      Buffer.from([0x22, 0x61, 0xc3, 0x28, 0xff, 0xe2, 0x82, 0x22]), // malformed sequences
      Buffer.from([0xef, 0xbb]), // a cut BOM
      Buffer.alloc(0),
    ];
    for (const bytes of bodies) expect(decodeUtf8(bytes)).toBe(await fetchText(bytes));
  });
});

describe("readBody", () => {
  const request = () => new PassThrough() as unknown as IncomingMessage & PassThrough;

  it("joins the chunks, a character split across two of them included", async () => {
    const req = request();
    const body = readBody(req, 1024);
    const bytes = Buffer.from('{"output":"€"}');
    req.write(bytes.subarray(0, 12));
    req.end(bytes.subarray(12));
    expect(await body).toBe('{"output":"€"}');
  });

  it("refuses with PAYLOAD_TOO_LARGE once past the limit, without waiting for the end", async () => {
    const req = request();
    const body = readBody(req, 10);
    req.write("x".repeat(8));
    req.write("x".repeat(8));
    await expect(body).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("rejects when the client goes away before the end of the body", async () => {
    const req = request();
    const body = readBody(req, 1024);
    req.write('{"events":[');
    req.destroy();
    await expect(body).rejects.toMatchObject({ code: "CLIENT_CLOSED_REQUEST" });
  });
});
