import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Badge, Button, Progress } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { label, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';

type Dossier = components['schemas']['DossierView'];
type ScopeKind = components['schemas']['DossierScopeDto']['kind'];

/** How often the list is asked again while a dossier is being built. */
const POLL_MS = 1_500;

/**
 * The audit dossiers of the ente (NdV, RPCT, Segretario): request one for the objective or plan the page came from,
 * follow its build, download the PDF/A, JSON and CSV. The files are plain links: the session cookie opens them.
 */
export function DossiersPage() {
  const [search] = useSearchParams();
  const kind = search.get('kind') as ScopeKind | null;
  const id = search.get('id');
  const [dossiers, setDossiers] = useState<Dossier[]>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();

  const load = useCallback(async () => {
    const answer = await answerOf(api.GET('/audit/dossiers', { params: { query: { limit: 50 } } }));
    if (answer.problem) setProblem(answer.problem);
    else setDossiers(answer.data.items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // Asked again while one is being built, or while the one just requested is not listed yet (the request is in the
  // log at once; the list shows it once the dossiers processor has queued it).
  const [awaited, setAwaited] = useState<string>();
  const building =
    (dossiers ?? []).some((d) => d.status !== 'ready' && d.status !== 'failed') ||
    (awaited !== undefined && !(dossiers ?? []).some((d) => d.dossierId === awaited));
  useEffect(() => {
    if (!building) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [building, load]);

  const request = async () => {
    if (!kind || !id) return;
    setProblem(undefined);
    const answer = await answerOf(api.POST('/audit/dossiers', { body: { scope: { kind, id } } }));
    if (answer.problem) return setProblem(answer.problem);
    setNotice(t('dossier.requested'));
    setAwaited(answer.data.dossierId);
    await load();
  };

  return (
    <>
      <h1>{t('dossier.title')}</h1>
      <p>{t('dossier.intro')}</p>
      <ProblemAlert problem={problem} />
      <Notice text={notice} />
      {kind && id ? (
        <Button color="primary" className="mb-4" onClick={() => void request()}>
          {t('dossier.request', { scope: label('dossierScope', kind) })}
        </Button>
      ) : null}
      {dossiers === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {dossiers?.length === 0 ? <p>{t('dossier.none')}</p> : null}
      {dossiers && dossiers.length > 0 ? (
        <div className="table-responsive">
          <table className="table table-sm align-middle">
            <thead>
              <tr>
                <th scope="col">{t('dossier.scope')}</th>
                <th scope="col">{t('dossier.status')}</th>
                <th scope="col">{t('dossier.progress')}</th>
                <th scope="col">{t('dossier.files')}</th>
              </tr>
            </thead>
            <tbody>
              {dossiers.map((d) => (
                <tr key={d.dossierId}>
                  <td>
                    {label('dossierScope', d.scope.kind)} <span className="small text-break">{d.scope.id}</span>
                  </td>
                  <td>
                    <Badge color={d.status === 'ready' ? 'success' : d.status === 'failed' ? 'danger' : 'secondary'}>{label('dossierStatus', d.status)}</Badge>
                    {d.note ? <div className="small">{d.note}</div> : null}
                  </td>
                  <td style={{ minWidth: '8rem' }}>
                    <Progress value={d.progress} aria-label={t('dossier.progressOf', { value: d.progress })} />
                  </td>
                  <td>
                    {d.status === 'ready' ? (
                      <>
                        <a href={d.links.pdf} className="me-2">
                          {t('dossier.pdf')}
                        </a>
                        <a href={d.links.json} className="me-2">
                          JSON
                        </a>
                        <a href={d.links.csv}>CSV</a>
                      </>
                    ) : (
                      t('objective.nothing')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
