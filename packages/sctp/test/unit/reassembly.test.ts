import { describe, expect, it } from "vitest";
import { Reassembly } from "../../src/machine/reassembly.js";
import type { DataChunk } from "../../src/wire/data-chunk.js";
import type { IDataChunk } from "../../src/wire/i-data-chunk.js";

class Sink {
  readonly got: string[] = [];
  deliverMessage(streamId: number, ppid: number, data: Uint8Array, unordered: boolean): void {
    this.got.push(`${streamId}:${new TextDecoder().decode(data)}${unordered ? "u" : ""}:${ppid}`);
  }
}

const te = new TextEncoder();
function data(tsn: number, streamId: number, ssn: number, text: string, flags: string): DataChunk {
  return {
    type: "data",
    immediate: false,
    unordered: flags.includes("U"),
    beginning: flags.includes("B"),
    ending: flags.includes("E"),
    tsn,
    streamId,
    ssn,
    ppid: 51,
    userData: te.encode(text),
  };
}
function idata(
  tsn: number,
  streamId: number,
  mid: number,
  fsn: number,
  text: string,
  flags: string,
): IDataChunk {
  return {
    type: "i-data",
    immediate: false,
    unordered: flags.includes("U"),
    beginning: flags.includes("B"),
    ending: flags.includes("E"),
    tsn,
    streamId,
    mid,
    ppid: flags.includes("B") ? 51 : 0,
    fsn,
    userData: te.encode(text),
  };
}

describe("reassembly and delivery (RFC 9260 §6.5, §6.6, §6.9; RFC 8260)", () => {
  it("ordered DATA: fragments in any order, messages in SSN order per stream", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 1000);
    r.addData(12, data(12, 1, 1, "wor", "B"));
    r.addData(10, data(10, 1, 0, "hel", "B"));
    r.addData(13, data(13, 1, 1, "ld", "E"));
    expect(sink.got).toEqual([]);
    r.addData(14, data(14, 2, 0, "x", "BE"));
    expect(sink.got).toEqual(["2:x:51"]);
    r.addData(11, data(11, 1, 0, "lo", "E"));
    expect(sink.got).toEqual(["2:x:51", "1:hello:51", "1:world:51"]);
    expect(r.bytes).toBe(0);
  });

  it("unordered DATA: found by TSN adjacency, delivered when whole", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 1000);
    r.addData(21, data(21, 1, 0, "b", "U"));
    r.addData(23, data(23, 1, 0, "y", "UB"));
    r.addData(24, data(24, 1, 0, "z", "UE"));
    expect(sink.got).toEqual(["1:yzu:51"]);
    r.addData(22, data(22, 1, 0, "c", "UE"));
    r.addData(20, data(20, 1, 0, "a", "UB"));
    expect(sink.got).toEqual(["1:yzu:51", "1:abcu:51"]);
  });

  it("I-DATA: interleaved messages by MID and FSN, ordered and unordered", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 1000);
    r.addIData(1, idata(1, 1, 0, 0, "aa", "B"));
    r.addIData(2, idata(2, 2, 0, 0, "bb", "B"));
    r.addIData(3, idata(3, 1, 1, 0, "next", "BE"));
    r.addIData(4, idata(4, 2, 0, 1, "!", "E"));
    r.addIData(5, idata(5, 3, 7, 1, "2", "U"));
    r.addIData(6, idata(6, 3, 7, 0, "1", "UB"));
    r.addIData(7, idata(7, 3, 7, 2, "3", "UE"));
    expect(sink.got).toEqual(["2:bb!:51", "3:123u:51"]);
    r.addIData(8, idata(8, 1, 0, 1, "AA", "E"));
    expect(sink.got).toEqual(["2:bb!:51", "3:123u:51", "1:aaAA:51", "1:next:51"]);
  });

  it("FORWARD TSN: partial messages at or below it are dropped, listed streams skip, whole messages after flow", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 1000);
    r.addData(30, data(30, 1, 0, "lost-", "B")); // SSN 0 abandoned half-way
    r.addData(33, data(33, 1, 2, "two", "BE")); // SSN 2 waits for SSN 1
    r.addData(31, data(31, 1, 1, "one", "BE"));
    expect(sink.got).toEqual([]);
    r.forward(31, [{ streamId: 1, ssn: 0 }]);
    expect(sink.got).toEqual(["1:one:51", "1:two:51"]);
    expect(r.bytes).toBe(0);
  });

  it("I-FORWARD-TSN skipping 2^31 - 1 MIDs on a stream holding two messages walks what is held, not the range (a hang before)", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 1000);
    r.addIData(5, idata(5, 1, 3, 0, "three", "BE")); // MID 3 waits for MID 0..2
    r.addIData(6, idata(6, 1, 7, 0, "part", "B")); // MID 7, first fragment only
    const t0 = performance.now();
    r.forward(6, [{ streamId: 1, unordered: false, mid: 0x7ffffffe }]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(sink.got).toEqual(["1:three:51"]);
    expect(r.bytes).toBe(0);
    r.addIData(7, idata(7, 1, 0x7fffffff, 0, "after", "BE"));
    expect(sink.got).toEqual(["1:three:51", "1:after:51"]);
  });

  it("a message over the maximum is refused; a stream reset drops the stream's state", () => {
    const sink = new Sink();
    const r = new Reassembly(sink, 5);
    expect(r.addIData(1, idata(1, 1, 0, 0, "abc", "B"))).toBe(true);
    expect(r.addIData(2, idata(2, 1, 0, 1, "def", ""))).toBe(false);
    expect(r.oversizedStreamId).toBe(1);
    const q = new Reassembly(new Sink(), 1000);
    q.addData(1, data(1, 4, 5, "later", "BE"));
    expect(q.streamCount).toBe(1);
    expect(q.bytes).toBeGreaterThan(0);
    q.resetStreams([4]);
    expect(q.streamCount).toBe(0);
    expect(q.bytes).toBe(0);
  });
});
