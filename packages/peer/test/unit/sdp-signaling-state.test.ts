import { describe, expect, it } from "vitest";
import {
  INITIAL_JSEP_STATE,
  type JsepAction,
  type JsepResult,
  type JsepState,
  jsepTransition,
  type SignalingState,
} from "../../src/sdp/index.js";

/** Applies actions in turn; every one must succeed. */
function run(actions: readonly JsepAction[], from: JsepState = INITIAL_JSEP_STATE): JsepState {
  let state = from;
  for (const a of actions) {
    const r = jsepTransition(state, a);
    if (!r.ok) throw new Error(`${a.kind} failed: ${r.error.name}: ${r.error.message}`);
    state = r.state;
  }
  return state;
}

function errorName(r: JsepResult): string {
  return r.ok ? "ok" : r.error.name;
}

const OFFER = "v=0 offer";
const ANSWER = "v=0 answer";
const localOffer: JsepAction[] = [
  { kind: "created-offer", sdp: OFFER },
  { kind: "set-local", type: "offer", sdp: OFFER },
];
const remoteOffer: JsepAction[] = [{ kind: "set-remote", type: "offer", sdp: OFFER }];

describe("JSEP signaling state (RFC 8829 §3.2, W3C webrtc-pc §4.4.1)", () => {
  it("offerer: stable → have-local-offer → stable, with pending then current descriptions", () => {
    const offered = run(localOffer);
    expect(offered.signalingState).toBe("have-local-offer");
    expect(offered.pendingLocalDescription).toEqual({ type: "offer", sdp: OFFER });
    expect(offered.currentLocalDescription).toBeUndefined();
    const done = run([{ kind: "set-remote", type: "answer", sdp: ANSWER }], offered);
    expect(done.signalingState).toBe("stable");
    expect(done.currentLocalDescription).toEqual({ type: "offer", sdp: OFFER });
    expect(done.currentRemoteDescription).toEqual({ type: "answer", sdp: ANSWER });
    expect(done.pendingLocalDescription).toBeUndefined();
    expect(done.pendingRemoteDescription).toBeUndefined();
    expect(done.lastCreatedOffer).toBeUndefined();
  });

  it("answerer: stable → have-remote-offer → have-local-pranswer → stable", () => {
    const s = run([
      ...remoteOffer,
      { kind: "created-answer", sdp: ANSWER },
      { kind: "set-local", type: "pranswer", sdp: ANSWER },
    ]);
    expect(s.signalingState).toBe("have-local-pranswer");
    expect(s.pendingLocalDescription?.type).toBe("pranswer");
    const done = run([{ kind: "set-local", type: "answer" }], s);
    expect(done.signalingState).toBe("stable");
    expect(done.currentRemoteDescription).toEqual({ type: "offer", sdp: OFFER });
    expect(done.currentLocalDescription).toEqual({ type: "answer", sdp: ANSWER });
  });

  it("remote pranswer then answer", () => {
    const s = run([...localOffer, { kind: "set-remote", type: "pranswer", sdp: "p" }]);
    expect(s.signalingState).toBe("have-remote-pranswer");
    const again = run([{ kind: "set-remote", type: "pranswer", sdp: "p2" }], s);
    expect(again.pendingRemoteDescription).toEqual({ type: "pranswer", sdp: "p2" });
    expect(run([{ kind: "set-remote", type: "answer", sdp: ANSWER }], again).signalingState).toBe("stable");
  });

  it("an empty sdp in setLocalDescription means the last created one", () => {
    const r = jsepTransition(run([{ kind: "created-offer", sdp: OFFER }]), {
      kind: "set-local",
      type: "offer",
    });
    expect(r.ok && r.description).toEqual({ type: "offer", sdp: OFFER });
  });

  it("InvalidModificationError when the local description is not the last created", () => {
    const created = run([{ kind: "created-offer", sdp: OFFER }]);
    expect(errorName(jsepTransition(created, { kind: "set-local", type: "offer", sdp: "edited" }))).toBe(
      "InvalidModificationError",
    );
    expect(errorName(jsepTransition(INITIAL_JSEP_STATE, { kind: "set-local", type: "offer" }))).toBe(
      "InvalidModificationError",
    );
    const offered = run(remoteOffer);
    expect(errorName(jsepTransition(offered, { kind: "set-local", type: "answer", sdp: ANSWER }))).toBe(
      "InvalidModificationError",
    );
  });

  it("InvalidStateError for descriptions the state does not accept (checked before the SDP)", () => {
    const invalid: readonly [string, readonly JsepAction[], JsepAction][] = [
      ["local answer in stable", [], { kind: "set-local", type: "answer", sdp: OFFER }],
      ["remote answer in stable", [], { kind: "set-remote", type: "answer", sdp: ANSWER }],
      ["local rollback in stable", [], { kind: "set-local", type: "rollback" }],
      ["remote rollback in stable", [], { kind: "set-remote", type: "rollback", sdp: "" }],
      ["local answer in have-local-offer", localOffer, { kind: "set-local", type: "answer", sdp: ANSWER }],
      ["remote rollback in have-local-offer", localOffer, { kind: "set-remote", type: "rollback", sdp: "" }],
      ["local offer in have-remote-offer", remoteOffer, { kind: "set-local", type: "offer", sdp: OFFER }],
      ["local rollback in have-remote-offer", remoteOffer, { kind: "set-local", type: "rollback" }],
      [
        "remote answer in have-remote-offer",
        remoteOffer,
        { kind: "set-remote", type: "answer", sdp: ANSWER },
      ],
      ["create answer in stable", [], { kind: "created-answer", sdp: ANSWER }],
      ["create answer in have-local-offer", localOffer, { kind: "created-answer", sdp: ANSWER }],
    ];
    for (const [name, before, action] of invalid) {
      expect(`${name}: ${errorName(jsepTransition(run(before), action))}`).toBe(`${name}: InvalidStateError`);
    }
  });

  it("rollback undoes the same side's pending offer", () => {
    const local = jsepTransition(run(localOffer), { kind: "set-local", type: "rollback" });
    expect(local.ok && local.state.signalingState).toBe("stable");
    expect(local.ok && local.state.pendingLocalDescription).toBeUndefined();
    const remote = jsepTransition(run(remoteOffer), { kind: "set-remote", type: "rollback", sdp: "ignored" });
    expect(remote.ok && remote.state.signalingState).toBe("stable");
    expect(remote.ok && remote.state.pendingRemoteDescription).toBeUndefined();
  });

  it("a remote offer in have-local-offer rolls the local offer back first (glare)", () => {
    const r = jsepTransition(run(localOffer), { kind: "set-remote", type: "offer", sdp: "theirs" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.implicitRollback).toBe(true);
    expect(r.state.signalingState).toBe("have-remote-offer");
    expect(r.state.pendingLocalDescription).toBeUndefined();
    expect(r.state.pendingRemoteDescription).toEqual({ type: "offer", sdp: "theirs" });
  });

  it("closed refuses everything, and close is final", () => {
    const closed = run([...localOffer, { kind: "close" }]);
    expect(closed.signalingState).toBe("closed");
    const actions: JsepAction[] = [
      { kind: "created-offer", sdp: OFFER },
      { kind: "set-local", type: "offer", sdp: OFFER },
      { kind: "set-remote", type: "offer", sdp: OFFER },
      { kind: "set-remote", type: "answer", sdp: ANSWER },
      { kind: "set-local", type: "rollback" },
    ];
    for (const a of actions) expect(errorName(jsepTransition(closed, a))).toBe("InvalidStateError");
  });

  it("only the RFC 8829 §3.2 transitions succeed (exhaustive over states and actions)", () => {
    const reach: Record<Exclude<SignalingState, "closed">, readonly JsepAction[]> = {
      stable: [],
      "have-local-offer": localOffer,
      "have-remote-offer": remoteOffer,
      "have-local-pranswer": [
        ...remoteOffer,
        { kind: "created-answer", sdp: ANSWER },
        { kind: "set-local", type: "pranswer", sdp: ANSWER },
      ],
      "have-remote-pranswer": [...localOffer, { kind: "set-remote", type: "pranswer", sdp: ANSWER }],
    };
    const allowed = new Set([
      "stable local offer",
      "stable remote offer",
      "have-local-offer local offer",
      "have-local-offer local rollback",
      "have-local-offer remote answer",
      "have-local-offer remote pranswer",
      "have-local-offer remote offer",
      "have-remote-offer remote offer",
      "have-remote-offer remote rollback",
      "have-remote-offer local answer",
      "have-remote-offer local pranswer",
      "have-local-pranswer local answer",
      "have-local-pranswer local pranswer",
      "have-remote-pranswer remote answer",
      "have-remote-pranswer remote pranswer",
    ]);
    for (const [name, path] of Object.entries(reach)) {
      const base = run(path);
      // Make every local description "the last created" so only the state decides.
      const state: JsepState = { ...base, lastCreatedOffer: "L", lastCreatedAnswer: "L" };
      for (const side of ["local", "remote"] as const) {
        for (const type of ["offer", "answer", "pranswer", "rollback"] as const) {
          const action: JsepAction =
            side === "local" ? { kind: "set-local", type, sdp: "L" } : { kind: "set-remote", type, sdp: "R" };
          const ok = jsepTransition(state, action).ok;
          expect(`${name} ${side} ${type}: ${ok}`).toBe(
            `${name} ${side} ${type}: ${allowed.has(`${name} ${side} ${type}`)}`,
          );
        }
      }
    }
  });
});
