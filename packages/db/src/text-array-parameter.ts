/**
 * A `text[]` query parameter in PostgreSQL's binary array format (what `array_send` writes and
 * `array_recv` reads): a header, then each element as its byte length and its UTF-8 bytes, NULL
 * as length -1. Bound as a Buffer, `pg` and PGlite send it with the binary format code, so neither
 * side escapes or parses quotes: the server copies each element as it is (and still checks that
 * it is valid UTF-8). Compared with a JavaScript array (which `pg` turns into an escaped
 * `{"…","…"}` literal), this saves a copy and a regex pass per value on the client and the array
 * literal parse on the server; on batches of large JSON texts that is most of the cost of
 * building the statement.
 */

/** PostgreSQL's type oid of `text`, the element type the array header names. */
const TEXT_OID = 25;
/** ndim, flags, element oid, then one dimension's length and lower bound. */
const HEADER_BYTES = 20;

/**
 * Encodes strings (and NULLs) as one binary `text[]` parameter, for SQL that reads it as
 * `$n::text[]` (e.g. `unnest($2::text[])`). Lone surrogates become U+FFFD, as with any string
 * `pg` sends.
 *
 * @param values - The elements, in order; `null` is SQL NULL.
 * @returns The parameter value, to bind as it is.
 */
export function textArrayParameter(values: readonly (string | null)[]): Buffer {
  if (values.length === 0) {
    // ndim 0 is PostgreSQL's empty array (flags 0, element type text).
    const empty = Buffer.alloc(12);
    empty.writeUInt32BE(TEXT_OID, 8);
    return empty;
  }
  let capacity = HEADER_BYTES;
  let hasNull = 0;
  for (const value of values) {
    if (value === null) hasNull = 1;
    else capacity += Buffer.byteLength(value, "utf8");
    capacity += 4;
  }
  const out = Buffer.allocUnsafe(capacity);
  out.writeInt32BE(1, 0); // one dimension
  out.writeInt32BE(hasNull, 4);
  out.writeUInt32BE(TEXT_OID, 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let offset = HEADER_BYTES;
  for (const value of values) {
    if (value === null) {
      out.writeInt32BE(-1, offset);
      offset += 4;
      continue;
    }
    const length = out.write(value, offset + 4, "utf8");
    out.writeInt32BE(length, offset);
    offset += 4 + length;
  }
  return out;
}
