import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button } from 'design-react-kit';
import canonicalize from 'canonicalize';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { TextField } from '../forms/text-field';
import { formatDate, formatNumber } from '../format/format';
import { label, t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { inclusionRefusal } from './inclusion-refusal';
import { fromBase64, leafHash, parseCheckpointNote, toBase64, verifyInclusion, verifyNoteSignature, type SignatureCheck } from './merkle';

type Checkpoint = components['schemas']['CheckpointView'];
type Leaf = components['schemas']['AuditLeafView'];

/** The event as the browser hashed it again: what it is, and whether its hash is the tree's leaf. */
interface Content {
  matches: boolean;
  type: string;
  who?: string;
  recordedAt?: string;
}

interface Outcome {
  verified: boolean;
  root: string;
  treeSize: number;
  signedAt?: string;
  leafIndex: number;
  /** The leaf hash the browser computed from the event's content (the server's when there was no content to hash). */
  leafHash: string;
  /** The event's content, hashed here; undefined when the log no longer holds it (deleted or moved) or it is withheld. */
  content?: Content;
  /** An evaluation the NdV has not shared yet: its content is not the reader's, only the server's hash of it is proved. */
  withheld: boolean;
  /** The root the server answered, when it is not the signed one (shown: the server is not to be trusted here). */
  serverRoot?: string;
  signature?: SignatureCheck;
  /** The root compared against is one the reader gave (kept or published elsewhere), not the server's. */
  ownRoot: boolean;
}

/**
 * Verification of the audit log in the browser (docs/audit.md): the latest signed checkpoint, and for one event its
 * RFC 6962 inclusion proof (`GET /audit/events/{eventId}/inclusion`) checked here with Web Crypto against the root of
 * the signed note, not against the root the same answer states, or against a root the reader kept and pastes. The
 * note's Ed25519 signature is checked when the reader gives the verifier key (the API does not publish it). The event
 * and a root can come in the address (`?eventId=…&root=…`): the objective's timeline and the red flags link here.
 */
export function VerificationPage() {
  const [search] = useSearchParams();
  const [latest, setLatest] = useState<Checkpoint | null>();
  const [form, setForm] = useState({ eventId: search.get('eventId') ?? '', root: search.get('root') ?? '', key: '' });
  const [problem, setProblem] = useState<Problem>();
  const [refusal, setRefusal] = useState<ReturnType<typeof inclusionRefusal>>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>([]);

  useEffect(() => {
    void answerOf(api.GET('/audit/checkpoints', { params: { query: { limit: 50 } } })).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setCheckpoints(a.data.items);
      setLatest(a.data.items[0] ?? null);
    });
  }, []);

  const verify = async (values: typeof form) => {
    const ownRoot = values.root.trim() !== '';
    setProblem(undefined);
    setRefusal(undefined);
    setOutcome(undefined);
    const answer = await answerOf(api.GET('/audit/events/{eventId}/inclusion', { params: { path: { eventId: values.eventId.trim() } } }));
    if (answer.problem) {
      const said = inclusionRefusal(answer.problem);
      return said ? setRefusal(said) : setProblem(answer.problem);
    }
    const proof = answer.data;
    const note = proof.checkpoint ? parseCheckpointNote(proof.checkpoint) : undefined;
    // The signed root when there is one, else the answer's; the reader's own root above both.
    const signedRoot = note && note.treeSize === proof.treeSize ? note.rootHash : proof.rootHash;
    const root = values.root.trim() || signedRoot;
    const hashes = proof.proof.map(fromBase64);
    // The leaf is hashed here from the event itself, and that hash is what the proof must lead from: the server's
    // own hash of it (leafHash) is only compared, never trusted.
    const own = proof.leaf ? await hashOfLeaf(proof.leaf) : undefined;
    const content = proof.leaf ? contentOf(proof.leaf, own === proof.leafHash) : undefined;
    // Withheld (an evaluation not shared yet): the server's hash is all there is to prove, and the page says so.
    const leaf = proof.withheld ? fromBase64(proof.leafHash) : content?.matches && own ? fromBase64(own) : undefined;
    const expected = fromBase64(root);
    const verified =
      leaf !== undefined &&
      expected !== undefined &&
      hashes.every((h) => h !== undefined) &&
      (await verifyInclusion(leaf, proof.leafIndex, proof.treeSize, hashes as Uint8Array[], expected));
    setOutcome({
      verified,
      root,
      treeSize: proof.treeSize,
      signedAt: checkpoints.find((c) => c.treeSize === proof.treeSize)?.signedAt,
      leafIndex: proof.leafIndex,
      leafHash: own ?? proof.leafHash,
      content,
      withheld: proof.withheld,
      serverRoot: proof.rootHash !== signedRoot ? proof.rootHash : undefined,
      signature: note && values.key.trim() ? await verifyNoteSignature(note, values.key) : undefined,
      ownRoot,
    });
  };
  // An event named in the address is verified as soon as the checkpoints are known (for the date of the tree).
  const fromAddress = search.get('eventId');
  useEffect(() => {
    if (fromAddress && latest !== undefined) void verify({ eventId: fromAddress, root: search.get('root') ?? '', key: '' });
    // Once, when the checkpoints have come (not again on every edit of the form).
  }, [fromAddress, latest]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void verify(form);
  };

  return (
    <>
      <h1>{t('verification.title')}</h1>
      <p>{t('verification.intro')}</p>

      <section aria-labelledby="latest-checkpoint" className="mb-4">
        <h2 id="latest-checkpoint" className="h4">
          {t('verification.latest')}
        </h2>
        {latest === undefined && !problem ? <p>{t('app.loading')}</p> : null}
        {latest === null ? <p>{t('verification.noCheckpoint')}</p> : null}
        {latest ? (
          <dl className="row" data-testid="latest-checkpoint">
            <dt className="col-sm-3">{t('verification.treeSize')}</dt>
            <dd className="col-sm-9">{formatNumber(latest.treeSize)}</dd>
            <dt className="col-sm-3">{t('verification.root')}</dt>
            <dd className="col-sm-9">
              <code>{latest.rootHash}</code>
            </dd>
            <dt className="col-sm-3">{t('verification.signedAt')}</dt>
            <dd className="col-sm-9">{formatDate(latest.signedAt)}</dd>
            <dt className="col-sm-3">{t('verification.note')}</dt>
            <dd className="col-sm-9">
              {/* Wrapped, not scrolled: a scrolling region would need a keyboard stop of its own. */}
              <pre className="small bg-light p-2 mb-0" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {latest.note}
              </pre>
            </dd>
          </dl>
        ) : null}
      </section>

      <form onSubmit={submit} noValidate className="mb-4">
        <ProblemAlert problem={problem} shownFields={['eventId']} />
        {refusal ? (
          <Alert color={refusal.color} role="status">
            {t(refusal.messageKey)}
          </Alert>
        ) : null}
        <TextField
          label={t('verification.eventId')}
          value={form.eventId}
          onChange={(eventId) => setForm({ ...form, eventId })}
          error={fieldError(problem, 'eventId')}
          spellCheck={false}
        />
        <p className="small">{t('verification.expectedRootHelp')}</p>
        <TextField label={t('verification.expectedRoot')} value={form.root} onChange={(root) => setForm({ ...form, root })} spellCheck={false} />
        <p className="small">{t('verification.verifierKeyHelp')}</p>
        <TextField label={t('verification.verifierKey')} value={form.key} onChange={(key) => setForm({ ...form, key })} spellCheck={false} />
        <Button color="primary" type="submit">
          {t('verification.submit')}
        </Button>
      </form>

      {outcome ? (
        <section aria-live="polite" data-testid="verification-outcome">
          <Alert color={VERDICT_COLOURS[verdictOf(outcome)]}>
            <h2 className="h4">{t(`verification.verdict.${verdictOf(outcome)}`)}</h2>
            <p className="mb-1">
              {outcome.verified
                ? t('verification.verifiedText', {
                    size: formatNumber(outcome.treeSize),
                    root: outcome.root,
                    date: outcome.signedAt ? formatDate(outcome.signedAt) : '—',
                  })
                : t('verification.notVerifiedText', { root: outcome.root })}
            </p>
            <p className="small mb-1">{t('verification.leaf', { index: formatNumber(outcome.leafIndex), hash: outcome.leafHash })}</p>
            <p className="small mb-1" data-testid="verification-content">
              {outcome.content
                ? t(outcome.content.matches ? 'verification.content.matches' : 'verification.content.differs', {
                    what: label('event', outcome.content.type),
                    who: outcome.content.who ?? '—',
                    when: outcome.content.recordedAt ? formatDate(outcome.content.recordedAt) : '—',
                  })
                : t(outcome.withheld ? 'verification.content.withheld' : 'verification.content.missing')}
            </p>
            {outcome.serverRoot ? <p className="small mb-1">{t('verification.rootMismatch', { server: outcome.serverRoot })}</p> : null}
            <p className="small mb-0">{t(`verification.signature.${outcome.signature ?? 'none'}`)}</p>
          </Alert>
        </section>
      ) : null}
    </>
  );
}

/** The leaf hash of an event's leaf object, computed here: RFC 8785 canonical JSON, then SHA-256(0x00 || UTF-8). */
async function hashOfLeaf(leaf: Leaf): Promise<string | undefined> {
  const text = canonicalize(leaf);
  return text === undefined ? undefined : toBase64(await leafHash(new TextEncoder().encode(text)));
}

function contentOf(leaf: Leaf, matches: boolean): Content {
  const metadata = leaf.metadata as { actor?: { name?: unknown }; recordedAt?: unknown };
  return {
    matches,
    type: leaf.type,
    ...(typeof metadata.actor?.name === 'string' ? { who: metadata.actor.name } : {}),
    ...(typeof metadata.recordedAt === 'string' ? { recordedAt: metadata.recordedAt } : {}),
  };
}

/**
 * What the reader may conclude. The inclusion is checked here whatever happens; it says nothing against a server that
 * lies unless the root it leads to is one the server cannot forge: a root the reader kept, or one signed by the key the
 * reader gave. Without either, the answer is only coherent with itself.
 */
type Verdict = 'verified' | 'coherent' | 'not-verified';

function verdictOf(outcome: Outcome): Verdict {
  if (!outcome.verified) return 'not-verified';
  if (outcome.ownRoot || outcome.signature === 'verified') return 'verified';
  return outcome.signature === undefined ? 'coherent' : 'not-verified';
}

const VERDICT_COLOURS: Record<Verdict, string> = { verified: 'success', coherent: 'info', 'not-verified': 'danger' };
