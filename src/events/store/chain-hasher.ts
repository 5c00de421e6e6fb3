import { computeHash, sha256Hex } from '../hash-chain.js';

const HEX_DIGEST = /^[0-9a-f]{64}$/;
/** Characters JSON.stringify would escape (controls, quote, backslash; any surrogate, to be safe). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** JSON.stringify(s) for a string, without the call when nothing needs escaping (the usual case). */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** An event of a batch, with its JSON-quoted id and type ready for hashing. */
export interface HashInput {
  eventIdJson: string;
  typeJson: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

/**
 * computeHash() (src/events/hash-chain.ts) along one appended batch, byte for byte, minus the
 * per-event work that is the same for the whole batch: the stream name is quoted once, and prevHash
 * is a hex digest (checked once for the head of the log, then our own output), so it needs no escaping.
 * test/store/chain-hasher.test.ts holds it equal to computeHash() on arbitrary strings.
 */
export class ChainHasher {
  private readonly streamJson: string;
  private trusted: boolean;

  constructor(
    private readonly stream: string,
    /** The hash of the event the batch follows (GENESIS_HASH for an empty log). */
    public prevHash: string,
  ) {
    this.streamJson = jsonString(stream);
    this.trusted = HEX_DIGEST.test(prevHash);
  }

  /** The hash of the next event, which becomes prevHash for the one after it. */
  next(streamVersion: number, e: HashInput): string {
    const prevHash = this.prevHash;
    const hash = this.trusted
      ? sha256Hex(
          prevHash +
            '{"data":' + e.dataJson +
            ',"eventId":' + e.eventIdJson +
            ',"metadata":' + e.metadataJson +
            ',"prevHash":"' + prevHash +
            '","schemaVersion":' + e.schemaVersion +
            ',"stream":' + this.streamJson +
            ',"streamVersion":' + streamVersion +
            ',"type":' + e.typeJson +
            '}',
        )
      : // A head hash that is not a hex digest (a damaged log): computeHash escapes it properly.
        computeHash({
          stream: this.stream,
          streamVersion,
          eventId: JSON.parse(e.eventIdJson) as string,
          type: JSON.parse(e.typeJson) as string,
          schemaVersion: e.schemaVersion,
          prevHash,
          dataJson: e.dataJson,
          metadataJson: e.metadataJson,
        });
    this.prevHash = hash;
    this.trusted = true;
    return hash;
  }
}
