import { describe, expect, it } from "vitest";
import {
  answerDirection,
  answerSetup,
  type Direction,
  dtlsRoleFor,
  intersectDirection,
  reverseDirection,
  type Setup,
} from "../../src/sdp/index.js";

describe("answer direction (RFC 8829 §5.3.1, RFC 3264 §6.1)", () => {
  // [offered, what our transceiver wants, answered]
  const table: readonly [Direction, Direction, Direction][] = [
    ["sendrecv", "sendrecv", "sendrecv"],
    ["sendonly", "sendrecv", "recvonly"],
    ["recvonly", "sendrecv", "sendonly"],
    ["inactive", "sendrecv", "inactive"],
    ["sendrecv", "recvonly", "recvonly"],
    ["sendrecv", "sendonly", "sendonly"],
    ["sendrecv", "inactive", "inactive"],
    ["sendonly", "sendonly", "inactive"],
    ["recvonly", "recvonly", "inactive"],
    ["sendonly", "recvonly", "recvonly"],
    ["recvonly", "sendonly", "sendonly"],
  ];
  it.each(table)("offer %s, transceiver %s → answer %s", (offered, desired, answered) => {
    expect(answerDirection(offered, desired)).toBe(answered);
  });

  it("reverses and intersects", () => {
    expect(reverseDirection("sendonly")).toBe("recvonly");
    expect(reverseDirection("recvonly")).toBe("sendonly");
    expect(reverseDirection("sendrecv")).toBe("sendrecv");
    expect(reverseDirection("inactive")).toBe("inactive");
    expect(intersectDirection("sendrecv", "recvonly")).toBe("recvonly");
    expect(intersectDirection("sendonly", "recvonly")).toBe("inactive");
  });
});

describe("a=setup in answers (RFC 4145 §4.1, RFC 8842 §5.3)", () => {
  it("answers actpass with the preference (active by default)", () => {
    expect(answerSetup("actpass")).toEqual({ ok: true, value: "active" });
    expect(answerSetup("actpass", "passive")).toEqual({ ok: true, value: "passive" });
  });

  it("answers active with passive and passive with active; absent means active", () => {
    expect(answerSetup("active", "active")).toEqual({ ok: true, value: "passive" });
    expect(answerSetup("passive", "passive")).toEqual({ ok: true, value: "active" });
    expect(answerSetup(undefined)).toEqual({ ok: true, value: "passive" });
  });

  it("refuses holdconn", () => {
    const r = answerSetup("holdconn");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("bad-setup");
  });
});

describe("dtlsRoleFor(localSetup, remoteSetup, weAreOfferer)", () => {
  // [local, remote, weAreOfferer, our role]
  const roles: readonly [Setup | undefined, Setup | undefined, boolean, "client" | "server"][] = [
    ["actpass", "active", true, "server"],
    ["actpass", "passive", true, "client"],
    ["active", "actpass", false, "client"],
    ["passive", "actpass", false, "server"],
    ["passive", "active", false, "server"],
    ["active", "passive", false, "client"],
    ["active", "passive", true, "client"],
    [undefined, "active", false, "server"],
    ["actpass", undefined, true, "client"],
  ];
  it.each(roles)("local %s, remote %s, offerer %s → %s", (local, remote, offerer, role) => {
    expect(dtlsRoleFor(local, remote, offerer)).toEqual({ ok: true, value: role });
  });

  it("the two sides always get opposite roles", () => {
    const setups: (Setup | undefined)[] = ["actpass", "active", "passive", undefined];
    for (const offer of setups) {
      for (const answer of setups) {
        const offerer = dtlsRoleFor(offer, answer, true);
        const answerer = dtlsRoleFor(answer, offer, false);
        expect(offerer.ok).toBe(answerer.ok);
        if (offerer.ok && answerer.ok) expect(offerer.value).not.toBe(answerer.value);
      }
    }
  });

  it("refuses actpass or holdconn in an answer, holdconn in an offer, and a conflict", () => {
    const codes = [
      dtlsRoleFor("actpass", "actpass", true),
      dtlsRoleFor("actpass", "actpass", false),
      dtlsRoleFor("holdconn", "active", true),
      dtlsRoleFor("actpass", "holdconn", true),
      dtlsRoleFor("active", "active", false),
      dtlsRoleFor("passive", "passive", true),
    ].map((r) => (r.ok ? "ok" : r.error.code));
    expect(codes).toEqual([
      "bad-setup",
      "bad-setup",
      "bad-setup",
      "bad-setup",
      "setup-conflict",
      "setup-conflict",
    ]);
  });
});
