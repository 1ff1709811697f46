/** @module Shapes inside an evidence pack: manifest, incidents as exported, restriction history. */
import type { IncidentRecord, TimelineEntry } from '../incident-types.js';

export const PACK_FORMAT = 'warden-evidence-pack';

/** An incident as the pack shows it (the control plane's IncidentView fits this shape). */
export type PackIncident = IncidentRecord & {
  readonly deadline: { readonly reportBy: string; readonly days: number; readonly basis: string; readonly overdue: boolean } | null;
  readonly timeline: readonly TimelineEntry[];
  readonly restrictions: readonly { readonly id: string; readonly model: string }[];
};

export type PackChain = {
  readonly chain: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly events: number;
  /** Size of the signed checkpoint whose frontier the chain resumes from (0 = from the genesis). */
  readonly startsAfter: number;
  /** Events of this chain after its last signed checkpoint, left out of the pack. */
  readonly unsignedLeftOut: number;
};

export type PackManifest = {
  readonly format: typeof PACK_FORMAT;
  readonly v: 1;
  readonly createdAt: string;
  readonly range: { readonly from: string | null; readonly to: string | null };
  readonly chains: readonly PackChain[];
  /** SHA-256 (hex) of every other file of the pack. */
  readonly files: Readonly<Record<string, string>>;
};

/** `signatures.json`: node keys' Ed25519 signatures over the manifest's canonical JSON. */
export type PackSignature = { readonly keyId: string; readonly signature: string };
