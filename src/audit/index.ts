/** @module Public face of the audit room: the log, its event types, verification, proofs, packs and the backend contract. */
export { createAuditLog, type AuditClock, type AuditLog, type AuditLogOptions, type AuditStats, type EventRef } from './audit-log.js';
export type { AuditBackend, BackendThreadSpec, ChainHead, ChainTail, RetentionRecord } from './backend.js';
export type { AuditEventInput, AuditFinding, ChangeEventInput, EventRow, RequestEventInput, RequestOutcome, SystemEventInput } from './event.js';
export type { IncidentBackend, IncidentRecord, IncidentSeverity, SeriousKind, TimelineEntry } from './incident-types.js';
export { loadAuditSecrets, type AuditSecrets, type PublicKeyRecord } from './keys.js';
export { buildProof, verifyProof, type InclusionProof, type ProofCheck } from './proof.js';
export { sealChains } from './seal.js';
export { verifyStore, type VerifyOptions, type VerifyResult } from './verify-store.js';
export type { ChainReport, VerifyProblem } from './chain-verifier.js';
export { writeEvidencePack, type PackInput } from './export/pack-writer.js';
export { verifyPack, type PackVerifyResult } from './export/pack-verify.js';
