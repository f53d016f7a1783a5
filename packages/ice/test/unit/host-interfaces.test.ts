import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { listHostAddresses, type NetworkInterfacesTable } from "../../src/node/host-interfaces.js";

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: "255.255.255.0",
    family: "IPv4",
    mac: "02:00:00:00:00:01",
    internal,
    cidr: `${address}/24`,
  };
}

function v6(address: string, internal = false, scopeid = 0): NetworkInterfaceInfo {
  return {
    address,
    netmask: "ffff:ffff:ffff:ffff::",
    family: "IPv6",
    mac: "02:00:00:00:00:01",
    internal,
    cidr: `${address}/64`,
    scopeid,
  };
}

/** Shaped like this machine's table (lo, eth0 with a ULA and a link-local) plus oddities. */
const table: NetworkInterfacesTable = {
  lo: [v4("127.0.0.1", true), v6("::1", true)],
  eth0: [v4("192.0.2.2"), v6("fd00::2"), v6("fe80::fc:ff:fe00:1", false, 2)],
  wlan0: [v4("198.51.100.7"), v6("2001:db8::7"), v6("FE80::1", false, 3)],
  docker0: [v4("192.0.2.2")], // the same address again on another interface
  tun0: [v6("2001:db8:0:0::7")], // the same IPv6 address spelled differently
  odd: [v4("127.0.0.2")], // loopback range on an interface not marked internal
  gone: undefined,
};
const inject = { networkInterfaces: () => table };

describe("listHostAddresses", () => {
  it("defaults to IPv4 and IPv6, no loopback, no link-local, no duplicates", () => {
    expect(listHostAddresses(inject)).toEqual([
      { iface: "eth0", address: "192.0.2.2", family: 4 },
      { iface: "eth0", address: "fd00::2", family: 6 },
      { iface: "wlan0", address: "198.51.100.7", family: 4 },
      { iface: "wlan0", address: "2001:db8::7", family: 6 },
    ]);
  });

  it("selects a family", () => {
    expect(listHostAddresses({ ...inject, ipv6: false }).map((a) => a.address)).toEqual([
      "192.0.2.2",
      "198.51.100.7",
    ]);
    expect(listHostAddresses({ ...inject, ipv4: false }).map((a) => a.address)).toEqual([
      "fd00::2",
      "2001:db8::7",
    ]);
  });

  it("includes loopback and link-local on request", () => {
    const all = listHostAddresses({ ...inject, includeLoopback: true, includeLinkLocal: true }).map(
      (a) => a.address,
    );
    expect(all).toEqual([
      "127.0.0.1",
      "::1",
      "192.0.2.2",
      "fd00::2",
      "fe80::fc:ff:fe00:1",
      "198.51.100.7",
      "2001:db8::7",
      "FE80::1",
      "127.0.0.2",
    ]);
  });

  it("applies the caller's filter with the interface name", () => {
    const seen: string[] = [];
    const r = listHostAddresses({
      ...inject,
      filter: (iface, address) => {
        seen.push(`${iface} ${address}`);
        return iface !== "eth0";
      },
    });
    expect(r.map((a) => a.iface)).toEqual(["wlan0", "wlan0", "docker0"]);
    expect(seen).toContain("eth0 192.0.2.2");
  });

  it("reads the real table by default and never returns loopback from it", () => {
    const real = listHostAddresses();
    expect(real.every((a) => a.address !== "127.0.0.1" && a.address !== "::1")).toBe(true);
    expect(listHostAddresses({ includeLoopback: true }).some((a) => a.address === "127.0.0.1")).toBe(true);
  });
});
