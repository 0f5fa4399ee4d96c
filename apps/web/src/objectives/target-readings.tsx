import { useEffect, useState } from 'react';
import { Alert, Badge } from 'design-react-kit';
import { type components } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatDate, formatNumber } from '../format/format';
import { hasMessage, t } from '../i18n/messages';

type Definition = components['schemas']['ObjectiveDefinitionDto'];
type Warning = components['schemas']['DefinitionWarningView'];
type Achievement = components['schemas']['IndicatorAchievementView'];
type Reading = Achievement['reading'];

/** A code of the API (a warning, a flag) in Italian when the catalogue knows it; the API's own words follow it. */
function explained(prefix: 'warning' | 'flag', code: string, message: string) {
  const key = `${prefix}.${code}`;
  return (
    <>
      {hasMessage(key) ? t(key) : code}{' '}
      <span className="small text-muted" lang="en">
        ({message})
      </span>
    </>
  );
}

/** The definition's warnings, each explained: what to look at, never a refusal. */
export function DefinitionWarnings({ warnings }: { warnings: Warning[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="warning">
      <h2 className="h6">{t('objective.warnings')}</h2>
      <ul className="mb-0">
        {warnings.map((w, i) => (
          <li key={`${w.code}-${i}`}>{explained('warning', w.code, w.message)}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** A target as the API read it, in words: "almeno 100 n.", "entro il 30/06/2025", "realizzato". */
export function readingText(reading: Reading): string {
  if (reading.status === 'unread') return t('reading.unread');
  const target = reading.target;
  const amount = [target.value === undefined ? '' : formatNumber(target.value), target.unit ?? ''].filter(Boolean).join(' ');
  const sense = target.sense ? t(`reading.sense.${target.sense}`) : t('reading.sense.none');
  const parts = [sense, amount, target.date ? formatDate(target.date) : ''].filter(Boolean);
  if (target.strict) parts.push(t('reading.strict'));
  if (reading.start) parts.push(t('reading.start', { value: [formatNumber(reading.start.value), reading.start.unit ?? ''].join(' ').trim() }));
  if (reading.change) parts.push(t(`reading.change.${reading.change}`));
  return parts.join(' ');
}

/**
 * Each indicator's target as the plan wrote it and as the API read it (direction, value, unit, date, where the
 * direction came from, the baseline), or why it could not be read: the scoring rests on this reading, so a person
 * checks it before the objective goes on. Read from the objective's evaluation screen (`proposal.indicators`).
 */
export function TargetReadings({ objectiveId, definition, revision }: { objectiveId: string; definition: Definition; revision: number }) {
  const [readings, setReadings] = useState<Achievement[]>();
  const [unavailable, setUnavailable] = useState(false);
  useEffect(() => {
    void answerOf(api.GET('/objectives/{objectiveId}/evaluation', { params: { path: { objectiveId } } })).then((a) => {
      // Without the reading, the table still shows the targets as written; the reading says it is not available.
      if (a.data) setReadings(a.data.proposal.indicators);
      else setUnavailable(true);
    });
    // The revision: a definition changed is read again.
  }, [objectiveId, revision]);
  const withTarget = definition.indicators.filter((i) => i.target?.text);
  if (withTarget.length === 0) return null;
  return (
    <section className="mt-4" aria-labelledby="target-readings">
      <h2 id="target-readings" className="h4">
        {t('reading.title')}
      </h2>
      <p className="small">{t('reading.intro')}</p>
      <div className="table-responsive">
        <table className="table table-sm">
          <thead>
            <tr>
              <th scope="col">{t('objective.indicator')}</th>
              <th scope="col">{t('reading.asWritten')}</th>
              <th scope="col">{t('reading.asRead')}</th>
              <th scope="col">{t('reading.baseline')}</th>
              <th scope="col">{t('reading.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {withTarget.map((indicator) => {
              const achievement = readings?.find((r) => r.indicatorId === indicator.id);
              const reading = achievement?.reading;
              return (
                <tr key={indicator.id}>
                  <td>{indicator.description}</td>
                  <td>{indicator.target?.text}</td>
                  <td>
                    {reading ? readingText(reading) : unavailable ? t('objective.nothing') : t('app.loading')}
                    {reading?.status === 'read' ? <div className="small">{t(`reading.senseFrom.${reading.senseFrom}`)}</div> : null}
                  </td>
                  <td>{indicator.baseline ?? t('objective.nothing')}</td>
                  <td>
                    {reading?.status === 'unread' ? (
                      <>
                        <Badge color="warning" className="text-dark">
                          {t('reading.flagged')}
                        </Badge>{' '}
                        {explained('flag', reading.code, reading.reason)}
                      </>
                    ) : (
                      t('reading.noFlag')
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
