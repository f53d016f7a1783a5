import type { SdpType } from "./session-description.js";

/**
 * The JSEP signaling state machine (RFC 8829 §3.2, W3C webrtc-pc §4.4.1.5-6) as a pure reducer: no
 * SDP processing, just which description may be applied when, and the pending/current descriptions
 * it leaves. Invalid transitions are typed error values with the browser's DOMException names; the
 * peer connection throws them.
 *
 * ```
 * stable --setLocal(offer)--> have-local-offer --setRemote(answer)--> stable
 *                                 | setRemote(pranswer) --> have-remote-pranswer --setRemote(answer)--> stable
 * stable --setRemote(offer)--> have-remote-offer --setLocal(answer)--> stable
 *                                 | setLocal(pranswer) --> have-local-pranswer --setLocal(answer)--> stable
 * have-local-offer --setLocal(rollback)--> stable;  have-remote-offer --setRemote(rollback)--> stable
 * have-local-offer --setRemote(offer)--> have-remote-offer (implicit rollback);  any --close--> closed
 * ```
 */
export type SignalingState =
  | "stable"
  | "have-local-offer"
  | "have-remote-offer"
  | "have-local-pranswer"
  | "have-remote-pranswer"
  | "closed";

export interface SessionDescriptionInit {
  readonly type: SdpType;
  readonly sdp: string;
}

export interface JsepState {
  readonly signalingState: SignalingState;
  readonly pendingLocalDescription?: SessionDescriptionInit;
  readonly currentLocalDescription?: SessionDescriptionInit;
  readonly pendingRemoteDescription?: SessionDescriptionInit;
  readonly currentRemoteDescription?: SessionDescriptionInit;
  /** W3C [[LastCreatedOffer]] / [[LastCreatedAnswer]]. */
  readonly lastCreatedOffer?: string;
  readonly lastCreatedAnswer?: string;
}

export const INITIAL_JSEP_STATE: JsepState = { signalingState: "stable" };

export type JsepAction =
  /** createOffer() produced `sdp`. */
  | { readonly kind: "created-offer"; readonly sdp: string }
  /** createAnswer() produced `sdp`. */
  | { readonly kind: "created-answer"; readonly sdp: string }
  /** setLocalDescription; `sdp` undefined means the last created offer/answer. */
  | { readonly kind: "set-local"; readonly type: SdpType; readonly sdp?: string }
  | { readonly kind: "set-remote"; readonly type: SdpType; readonly sdp: string }
  | { readonly kind: "close" };

export type JsepErrorName = "InvalidStateError" | "InvalidModificationError";

export interface JsepError {
  readonly name: JsepErrorName;
  readonly message: string;
}

export type JsepResult =
  | {
      readonly ok: true;
      readonly state: JsepState;
      /** The description applied (set-local / set-remote; none for rollback). */
      readonly description?: SessionDescriptionInit;
      /** A remote offer in have-local-offer first rolled the local offer back (W3C perfect negotiation). */
      readonly implicitRollback: boolean;
    }
  | { readonly ok: false; readonly error: JsepError };

function fail(name: JsepErrorName, message: string): JsepResult {
  return { ok: false, error: { name, message } };
}

/**
 * Which description types each state accepts, per side (RFC 8829 §3.2 figure). A rollback undoes only
 * the same side's pending offer (WPT: setLocalDescription(rollback) after a remote offer, and
 * setRemoteDescription(rollback) after a local offer, reject with InvalidStateError).
 */
const ALLOWED: Readonly<Record<"local" | "remote", Readonly<Record<SignalingState, readonly SdpType[]>>>> = {
  local: {
    stable: ["offer"],
    "have-local-offer": ["offer", "rollback"],
    "have-remote-offer": ["answer", "pranswer"],
    "have-local-pranswer": ["answer", "pranswer"],
    "have-remote-pranswer": [],
    closed: [],
  },
  remote: {
    stable: ["offer"],
    "have-local-offer": ["answer", "pranswer"],
    "have-remote-offer": ["offer", "rollback"],
    "have-local-pranswer": [],
    "have-remote-pranswer": ["answer", "pranswer"],
    closed: [],
  },
};

export function jsepTransition(state: JsepState, action: JsepAction): JsepResult {
  const now = state.signalingState;
  if (action.kind === "close") {
    return { ok: true, state: { ...state, signalingState: "closed" }, implicitRollback: false };
  }
  if (now === "closed") return fail("InvalidStateError", "the connection is closed");
  switch (action.kind) {
    case "created-offer":
      return { ok: true, state: { ...state, lastCreatedOffer: action.sdp }, implicitRollback: false };
    case "created-answer":
      if (now !== "have-remote-offer" && now !== "have-local-pranswer") {
        return fail("InvalidStateError", `cannot create an answer in state ${now}`);
      }
      return { ok: true, state: { ...state, lastCreatedAnswer: action.sdp }, implicitRollback: false };
    case "set-local":
      return setLocal(state, action.type, action.sdp);
    case "set-remote":
      return setRemote(state, action.type, action.sdp);
  }
}

function setLocal(state: JsepState, type: SdpType, given: string | undefined): JsepResult {
  const now = state.signalingState;
  if (type === "rollback") {
    if (!ALLOWED.local[now].includes("rollback"))
      return fail("InvalidStateError", `cannot roll back in ${now}`);
    return { ok: true, state: rolledBack(state), implicitRollback: false };
  }
  // The state is checked first (WPT: a local answer in stable is InvalidStateError whatever its SDP).
  if (!ALLOWED.local[now].includes(type))
    return fail("InvalidStateError", `cannot set a local ${type} in ${now}`);
  const last = type === "offer" ? state.lastCreatedOffer : state.lastCreatedAnswer;
  const sdp = given === undefined || given === "" ? last : given;
  if (sdp === undefined || sdp !== last) {
    return fail("InvalidModificationError", `the ${type} differs from the last one created`);
  }
  return {
    ok: true,
    state: applied(state, "local", { type, sdp }),
    description: { type, sdp },
    implicitRollback: false,
  };
}

function setRemote(state: JsepState, type: SdpType, sdp: string): JsepResult {
  const now = state.signalingState;
  if (type === "rollback") {
    if (!ALLOWED.remote[now].includes("rollback"))
      return fail("InvalidStateError", `cannot roll back in ${now}`);
    return { ok: true, state: rolledBack(state), implicitRollback: false };
  }
  if (type === "offer" && now === "have-local-offer") {
    const next = applied(rolledBack(state), "remote", { type, sdp });
    return { ok: true, state: next, description: { type, sdp }, implicitRollback: true };
  }
  if (!ALLOWED.remote[now].includes(type))
    return fail("InvalidStateError", `cannot set a remote ${type} in ${now}`);
  return {
    ok: true,
    state: applied(state, "remote", { type, sdp }),
    description: { type, sdp },
    implicitRollback: false,
  };
}

function rolledBack(state: JsepState): JsepState {
  const { pendingLocalDescription: _l, pendingRemoteDescription: _r, ...rest } = state;
  return { ...rest, signalingState: "stable" };
}

/** W3C §4.4.1.6 "set the RTCSessionDescription", step: pending/current descriptions and the new state. */
function applied(state: JsepState, side: "local" | "remote", d: SessionDescriptionInit): JsepState {
  if (d.type === "answer") {
    const {
      pendingLocalDescription,
      pendingRemoteDescription,
      lastCreatedOffer: _o,
      lastCreatedAnswer: _a,
      ...rest
    } = state;
    const local = side === "local" ? d : pendingLocalDescription;
    const remote = side === "remote" ? d : pendingRemoteDescription;
    return {
      ...rest,
      signalingState: "stable",
      ...(local === undefined ? {} : { currentLocalDescription: local }),
      ...(remote === undefined ? {} : { currentRemoteDescription: remote }),
    };
  }
  const signalingState: SignalingState =
    d.type === "offer"
      ? side === "local"
        ? "have-local-offer"
        : "have-remote-offer"
      : side === "local"
        ? "have-local-pranswer"
        : "have-remote-pranswer";
  return side === "local"
    ? { ...state, signalingState, pendingLocalDescription: d }
    : { ...state, signalingState, pendingRemoteDescription: d };
}
