export * from "./dtls.js";
export * from "./srtp.js";
