import { type RedFlag } from '@piao/lifecycle';

/**
 * The content of a fascicolo di audit: everything the PDF, the JSON and the CSV say, built from the log by
 * `buildDossier` and rendered by `renderDossierPdf` / `renderDossierCsv`. It holds only what the log and the tree
 * hold (no time of building, no random ids), so that building it again from the same log gives the same bytes and
 * the same content hash.
 */
export const DOSSIER_SCOPES = ['objective', 'unit', 'plan'] as const;
export type DossierScopeKind = (typeof DOSSIER_SCOPES)[number];

export interface DossierScope {
  kind: DossierScopeKind;
  /** The objective's, unit's or plan's id. */
  id: string;
  /** How people call it (the kind is printed beside it): "1.2 — Digitalizzazione…", "Settore Servizi finanziari", "PIAO 2025-2027 (PIAO 2025–2027)". */
  label: string;
}

export interface DossierAct {
  number: string;
  date: string;
  /** What the act did, in Italian: "approvazione dell'obiettivo", "riprogrammazione". */
  subject: string;
  objectiveId?: string;
  objectiveCode?: string;
  eventId: string;
}

/** One event of an objective's history, as the audit trail shows it. */
export interface DossierEvent {
  eventId: string;
  revision: number;
  type: string;
  /** The event's type for people, in Italian ("Approvazione della Giunta"). */
  label: string;
  actor: { id: string; name: string; role: string };
  /** The business date (date or instant) the fact happened. */
  occurredAt: string;
  recordedAt: string;
  reason: string | null;
  act: { number: string; date: string } | null;
  changes: { path: string; from: unknown; to: unknown }[];
  /** Index of the event's leaf in the tree and its hash (base64, as in the proofs and checkpoints); null while the hashing lags behind. */
  leafIndex: number | null;
  leafHash: string | null;
  /** Present on an event imported with a past year's history: who imported it, and when (absent otherwise). */
  imported?: { by: { id: string; name: string }; at: string };
}

export interface DossierObjective {
  objectiveId: string;
  code: string;
  title: string;
  status: string;
  responsibleUnitId: string;
  responsibleUnitName: string | null;
  approvalAct: { number: string; date: string } | null;
  /** Field by field, the definition as the Giunta first approved it → as it stands. */
  versions: { path: string; from: unknown; to: unknown }[];
  timeline: DossierEvent[];
}

export interface DossierVerification {
  /** The signed checkpoint (C2SP tlog-checkpoint in a signed note) the leaf hashes are checked against, as text. */
  checkpoint: string | null;
  treeSize: number | null;
  rootHash: string | null;
  origin: string;
  /** Steps, in Italian, to check a leaf against the checkpoint with tools that are not ours. */
  howToCheck: string[];
}

export interface DossierContent {
  /** The format's version. */
  v: 1;
  ente: string;
  scope: DossierScope;
  /** The log position the dossier was built up to (`commit/prepare`); the dossier holds nothing recorded after it. */
  upTo: string;
  /** The recorded time of the request: the date printed on the cover (and the PDF's dates). */
  asOf: string;
  summary: {
    objectives: number;
    events: number;
    acts: number;
    redFlags: { high: number; medium: number; low: number };
  };
  objectives: DossierObjective[];
  acts: DossierAct[];
  redFlags: RedFlag[];
  verification: DossierVerification;
}
