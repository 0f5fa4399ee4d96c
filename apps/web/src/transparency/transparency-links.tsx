import { t } from '../i18n/messages';

/** Who prepares what the ente publishes (the API's PUBLISHERS): the Segretario, the RPCT, the NdV, the admin. */
export const publishes = (roles: readonly string[]) => roles.some((r) => r === 'segretario' || r === 'rpct' || r === 'nucleo' || r === 'admin');

/**
 * The transparency export of a plan (docs/transparency.md): the approved plan's objectives, indicators, targets and
 * results as open data for Amministrazione trasparente, CSV and JSON, and their DCAT-AP_IT metadata. Plain links:
 * the session cookie opens them, and the browser saves or shows them as it does any file.
 */
export function TransparencyLinks({ planId, status }: { planId: string; status: string }) {
  const published = status === 'approved' || status === 'closed';
  const base = `/transparency/plans/${planId}`;
  return (
    <section aria-labelledby="transparency" className="mb-4">
      <h2 id="transparency" className="h5">
        {t('transparency.title')}
      </h2>
      <p className="small mb-1">{t('transparency.intro')}</p>
      {published ? (
        <ul className="list-inline">
          <li className="list-inline-item">
            <a href={`${base}/obiettivi.csv`}>{t('transparency.csv')}</a>
          </li>
          <li className="list-inline-item">
            <a href={`${base}/obiettivi.json`}>{t('transparency.json')}</a>
          </li>
          <li className="list-inline-item">
            <a href={`${base}/dcat.jsonld`}>{t('transparency.dcat')}</a>
          </li>
        </ul>
      ) : (
        <p className="small">{t('transparency.notYet')}</p>
      )}
    </section>
  );
}
