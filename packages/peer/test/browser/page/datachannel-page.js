// The browser side of the data-channel cells (packages/peer/test/browser/data-channel-cells.ts), driven
// from Node through window.ternPage with page.evaluate. Plain JavaScript, served as is. The message
// generator, FNV-1a and the file are the same as data-channel-messages.ts computes in Node.

(() => {
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  /** @type {MediaStream | undefined} */
  let capture;
  const log = (...args) => console.log("[dc]", ...args);
  /** label → { channel, received: [binary, length, fnv][], file chunks, closed } */
  const channels = new Map();

  const SIZES = [0, 1, 2, 15, 100, 500, 1000, 1199, 1200, 1201, 4096, 10000, 16384, 32768, 65535, 65536];
  const enc = new TextEncoder();

  function fnv1a(bytes) {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /** Message `i` of a stream with `salt`: its kind, size and bytes (a string's are ASCII). */
  function message(i, salt) {
    const size = SIZES[(i * 7 + salt) % SIZES.length];
    const binary = (i + salt) % 2 === 0;
    if (binary) {
      const b = new Uint8Array(size);
      for (let j = 0; j < size; j++) b[j] = (i * 31 + j * 7 + salt) & 0xff;
      return b;
    }
    let s = "";
    for (let j = 0; j < size; j++) s += String.fromCharCode(97 + ((i + j + salt) % 26));
    return s;
  }

  /** Byte `k` of the test file. */
  function fileBytes(offset, n) {
    const b = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const k = offset + j;
      b[j] = (k * 13 + (k >>> 8) + (k >>> 16)) & 0xff;
    }
    return b;
  }

  function gathered(timeoutMs = 5000) {
    if (!pc || pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc && pc.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  function track(channel) {
    channel.binaryType = "arraybuffer";
    const entry = { channel, received: [], file: undefined, closed: false, closing: false, errors: [] };
    channels.set(channel.label, entry);
    channel.addEventListener("message", (e) => {
      const d = e.data;
      if (entry.file) {
        entry.file.parts.push(new Uint8Array(d));
        entry.file.bytes += d.byteLength;
        return;
      }
      const bytes = typeof d === "string" ? enc.encode(d) : new Uint8Array(d);
      entry.received.push([typeof d === "string" ? 0 : 1, bytes.length, fnv1a(bytes)]);
    });
    channel.addEventListener("closing", () => {
      entry.closing = true;
    });
    channel.addEventListener("close", () => {
      entry.closed = true;
      log("close", channel.label);
    });
    channel.addEventListener("error", (e) => entry.errors.push(String(e.error ?? e)));
    return entry;
  }

  function entry(label) {
    const e = channels.get(label);
    if (!e) throw new Error(`no channel ${label}`);
    return e;
  }

  /** Sends with bufferedAmount flow control (≤ 1 MiB queued), as an application would. */
  async function flowSend(channel, items) {
    channel.bufferedAmountLowThreshold = 256 * 1024;
    for (const item of items()) {
      if (channel.bufferedAmount > 1024 * 1024) {
        await new Promise((resolve) =>
          channel.addEventListener("bufferedamountlow", resolve, { once: true }),
        );
      }
      channel.send(item);
    }
  }

  window.ternPage = {
    async open(opts = {}) {
      pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
      pc.addEventListener("connectionstatechange", () => log("connectionState", pc.connectionState));
      pc.addEventListener("datachannel", (e) => {
        log("datachannel", e.channel.label, e.channel.id);
        track(e.channel);
      });
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: 320, height: 240 },
      });
      // Data only: the capture is still taken and kept running (none of it sent) — without an active
      // capture Firefox gathers only the default-route address, and the cells pass loopback candidates only.
      capture = stream;
      if (opts.media) for (const t of stream.getTracks()) pc.addTrack(t, stream);
      return true;
    },
    createChannel(label, init) {
      track(pc.createDataChannel(label, init));
      return true;
    },
    async offer() {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered();
      return pc.localDescription.sdp;
    },
    async answer(sdp, opts = {}) {
      await pc.setRemoteDescription({ type: "offer", sdp });
      const answer = await pc.createAnswer();
      let text = answer.sdp;
      if (opts.setup) text = text.replace(/^a=setup:\w+/gm, `a=setup:${opts.setup}`);
      await pc.setLocalDescription({ type: "answer", sdp: text });
      await gathered();
      return pc.localDescription.sdp;
    },
    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
    },
    state() {
      const out = {
        connection: pc?.connectionState,
        sctp: pc?.sctp?.state,
        maxMessageSize: pc?.sctp?.maxMessageSize,
        channels: {},
      };
      for (const [label, e] of channels) {
        const c = e.channel;
        out.channels[label] = {
          id: c.id,
          readyState: c.readyState,
          ordered: c.ordered,
          maxRetransmits: c.maxRetransmits,
          protocol: c.protocol,
          negotiated: c.negotiated,
          received: e.received.length,
          closing: e.closing,
          closed: e.closed,
          errors: e.errors,
        };
      }
      return out;
    },
    /** The digests of what arrived on `label` ([binary, length, fnv] per message), from `from`. */
    received(label, from = 0) {
      return entry(label).received.slice(from);
    },
    /** `count` generated messages with `salt`, flow-controlled. */
    async sendMessages(label, count, salt) {
      const c = entry(label).channel;
      await flowSend(c, function* () {
        for (let i = 0; i < count; i++) yield message(i, salt);
      });
      return true;
    },
    /** `count` short strings `${prefix}${i}`, all at once (no flow control: they are small). */
    sendSmall(label, count, prefix) {
      const c = entry(label).channel;
      for (let i = 0; i < count; i++) c.send(`${prefix}${i}`);
      return true;
    },
    sendText(label, text) {
      entry(label).channel.send(text);
      return true;
    },
    /** The file (`size` bytes) in `chunk`-byte messages, flow-controlled; returns its SHA-256 (hex). */
    async sendFile(label, size, chunk) {
      const c = entry(label).channel;
      await flowSend(c, function* () {
        for (let off = 0; off < size; off += chunk) yield fileBytes(off, Math.min(chunk, size - off));
      });
      const digest = await crypto.subtle.digest("SHA-256", fileBytes(0, size));
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    },
    /** From now on, what `label` receives is file content (counted, kept for its hash). */
    expectFile(label) {
      entry(label).file = { parts: [], bytes: 0 };
      return true;
    },
    /** The bytes of the file received so far, and (once `size` arrived) its SHA-256 (hex). */
    async fileReceived(label, size) {
      const f = entry(label).file;
      if (f.bytes < size) return { bytes: f.bytes };
      const all = new Uint8Array(f.bytes);
      let off = 0;
      for (const p of f.parts) {
        all.set(p, off);
        off += p.length;
      }
      const digest = await crypto.subtle.digest("SHA-256", all);
      return {
        bytes: f.bytes,
        sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""),
      };
    },
    closeChannel(label) {
      entry(label).channel.close();
      return true;
    },
    close() {
      if (pc) pc.close();
      pc = undefined;
      for (const t of capture?.getTracks() ?? []) t.stop();
      capture = undefined;
      channels.clear();
    },
  };
  log("ready", navigator.userAgent);
})();
