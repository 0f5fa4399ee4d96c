export { AuditModule, AUDIT_OPTIONS, type AuditOptions } from './audit.module';
export { AUDIT_MIGRATIONS } from './audit.migrations';
export { AUDIT_HASHING, AuditHashingProcessor } from './hashing/audit-hashing.processor';
export { loadTree, storedLeafSource } from './hashing/audit-tree-store';
export { verifyLog, type VerificationProblem, type VerificationReport } from './verification/log-verifier';
export { writeCheckpoint, type SignedCheckpoint } from './checkpoints/checkpoint-writer';
