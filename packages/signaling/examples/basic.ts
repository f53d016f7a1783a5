/** The README example: two clients exchange an offer and an answer through a local server. */
import { SignalingClient, startSignalingServer } from "@tern/signaling";

const server = await startSignalingServer({ port: 0, token: "s3cret" });
const alice = new SignalingClient(server.url, { token: "s3cret", name: "alice" });
const bob = new SignalingClient(server.url, { token: "s3cret", name: "bob" });
await alice.connect();
await bob.connect();
await alice.join("room-1");
const { peers } = await bob.join("room-1"); // [{ peerId: <alice's>, name: "alice" }]

alice.on("signal", (m) => {
  if (m.type === "offer") alice.send({ type: "answer", room: m.room, to: m.from, sdp: "v=0 (answer)" });
});
bob.on("signal", async (m) => {
  console.log(m.type, "from", m.from, m.type === "answer" ? m.sdp : "");
  await Promise.all([alice.close(), bob.close()]);
  await server.close();
});
bob.send({ type: "offer", room: "room-1", to: peers[0]!.peerId, sdp: "v=0 (offer)" });
