/** @module The README of an evidence pack: what is in it and how to verify it offline. */
import type { PackManifest } from './pack-types.js';

export function packReadme(m: PackManifest, keyIds: readonly string[]): string {
  return `# Warden evidence pack

Created ${m.createdAt} for the period ${m.range.from ?? 'from the beginning'} to ${m.range.to ?? 'the time of export'}.

## Contents

| file | what it holds |
|---|---|
| \`events.jsonl\` | The audit events, one per line, grouped by chain (one chain per gateway node) in sequence order. Each line is the exact canonical JSON (RFC 8785) that was hashed: \`{"e":<event>,"prev":<hash of the previous event>,"seq":<n>,"v":1}\`. |
| \`checkpoints.jsonl\` | Signed checkpoints: chain size, RFC 9162 Merkle root over the event hashes, chain head, Ed25519 signature by the node's key; \`frontier\` lets a chain be verified from a checkpoint without earlier events. |
| \`keys.json\` | The public keys (SPKI DER, base64) of the nodes that signed, with their key ids. |
| \`retention.json\` | Retention runs: which events were deleted under the retention period, authorised by a signed retention event. |
| \`incidents.json\` | Incidents with their timelines and, for serious incidents, the EU AI Act Art. 73 reporting deadline. |
| \`restrictions.json\` | Restriction history (who restricted which model, where, why, linked incident, when lifted) and the control-plane change log. |
| \`summary.json\`, \`summary.html\` | Monitoring summary: requests, guardrail blocks by scanner, restrictions per model, per day. The HTML page is self-contained. |
| \`manifest.json\` | Chains and sequence ranges in this pack and the SHA-256 of every file. |
| \`signatures.json\` | Ed25519 signatures of the node keys over the canonical JSON of \`manifest.json\`. |

Prompts and completions are not in the pack unless a tenant had raw capture switched on: events carry an
HMAC-SHA256 of the text under a secret that stays in the Warden data directory, and the text's length.

## Verify it offline

    npx warden audit verify --pack <this directory> --json

prints \`{"ok":true,...}\` as its last line and exits 0 when the pack is whole. It checks, for every chain:

1. every line is a well-formed event envelope, in sequence, none missing, none inserted, none reordered;
2. each event's \`prev\` is the SHA-256 of the line before (the hash chain);
3. the Merkle root recomputed from the event hashes equals the root in each signed checkpoint, and the chain head
   equals the checkpoint's head, so removing events at the end is detected (truncation);
4. each checkpoint's Ed25519 signature, with the public key of \`keys.json\` named by its key id;
5. every event is covered by a signed checkpoint;
6. the SHA-256 of every file against \`manifest.json\`, and the manifest's signatures.

Any change to any byte of \`events.jsonl\` makes it fail with exit code 1 and names the first bad event.

Trust: the keys in \`keys.json\` travel with the pack. Compare their key ids with ones you hold independently, for
example from \`warden audit head\` output kept outside Warden, and pass them with \`--trust KEYID\` (repeatable).
Key ids of this pack: ${keyIds.map((k) => `\`${k}\``).join(', ') || 'none'}.

A single event can also be proven without the pack: \`warden audit prove CHAIN:SEQ > proof.json\` and
\`warden audit verify-proof proof.json\` (RFC 9162 inclusion proof against a signed checkpoint).

## Without Warden

Everything uses public standards: RFC 8785 canonical JSON, SHA-256, RFC 9162 §2.1 Merkle trees (leaf =
SHA-256(0x00 || event hash), node = SHA-256(0x01 || left || right)), Ed25519 (RFC 8032) over the canonical JSON
of the checkpoint statement. An event hash is SHA-256 of the line's UTF-8 bytes.
`;
}
