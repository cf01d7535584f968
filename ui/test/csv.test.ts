import { describe, expect, it } from "vitest";
import { parseCsv } from "../src/csv";

describe("csv", () => {
  it("reads the ledger's CSV: byte-order mark, quoted commas and quotes, CRLF", () => {
    const rows = parseCsv('\uFEFF环节,备注\r\n产生,"a, ""b"""\n入库,\n');
    expect(rows).toEqual([
      ["环节", "备注"],
      ["产生", 'a, "b"'],
      ["入库", ""],
    ]);
  });
});
