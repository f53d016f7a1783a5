/** A UDP transport address: an IP literal (IPv4 dotted quad or IPv6 text, no zone) and a port. */
export interface TransportAddr {
  readonly address: string;
  readonly port: number;
}
