import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Badge } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { unitNameIn, useOrganisationUnits } from '../organisation/organisation-units';
import { BarChartOf, ChartFigure } from '../charts/charts';
import { formatNumber, formatPercent } from '../format/format';
import { t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { bandName, bandRange } from './band-text';
import { bandOf, distribution, namedBands, type ScoreScale } from './score-bands';

type Scores = components['schemas']['PlanScoresView'];
type Plan = components['schemas']['PlanDetailView'];

/** The band column of a score: its name and range, or nothing on a linear scale. */
function BandCell({ percent, scale }: { percent: number | null; scale: ScoreScale }) {
  const band = percent === null ? undefined : bandOf(percent, scale);
  return <td>{band ? `${bandName(band)} (${bandRange(band)})` : '—'}</td>;
}

const percentText = (value: number | null) => (value === null ? t('scores.notMeasured') : formatPercent(Math.round(value * 100) / 100));
const scoreText = (value: number | null) => (value === null ? '—' : formatNumber(value));

/**
 * The plan's scores under the ente's SMVP (`GET /plans/{planId}/scores`, which carries the scoring system in force:
 * the API has no GET of its own for it): the bands (range → name → score), each objective's, unit's and person's
 * achievement, score and band, and the distribution of the objectives over the bands as a chart with its table.
 */
export function ScoresPage() {
  const { planId = '' } = useParams();
  const [scores, setScores] = useState<Scores>();
  const [plan, setPlan] = useState<Plan>();
  const [problem, setProblem] = useState<Problem>();
  const unitName = unitNameIn(useOrganisationUnits());
  useEffect(() => {
    void answerOf(api.GET('/plans/{planId}/scores', { params: { path: { planId } } })).then((a) => (a.data ? setScores(a.data) : setProblem(a.problem)));
    void answerOf(api.GET('/plans/{planId}', { params: { path: { planId } } })).then((a) => a.data && setPlan(a.data));
  }, [planId]);

  const scale = scores?.scoringSystem.scale;
  const bands = scale ? namedBands(scale) : [];
  const spread =
    scores && scale
      ? distribution(
          scores.objectives.map((o) => o.percent),
          scale,
        )
      : [];
  const spreadLabel = (d: (typeof spread)[number]) =>
    'n' in d.name ? bandName(d.name) : t('scores.linearBucket', { from: formatPercent(d.name.from), to: formatPercent(d.name.to) });
  return (
    <>
      <p>
        <Link to={`/plans/${planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>{t('scores.title', { plan: plan?.title ?? '' })}</h1>
      <p>{t('scores.intro')}</p>
      <ProblemAlert problem={problem} subject="plan" />
      {!scores && !problem ? <p>{t('app.loading')}</p> : null}
      {scores && scale ? (
        <>
          <section aria-labelledby="scores-system" className="mb-4">
            <h2 id="scores-system" className="h4">
              {t('scores.system')}
            </h2>
            <p>{t(`scores.basis.${scores.scoringSystem.basis}`)}</p>
            {scale.kind === 'linear' ? <p>{t('scores.linear')}</p> : null}
            {bands.length > 0 ? (
              <div className="table-responsive">
                <table className="table table-sm w-auto">
                  <caption>{t('scores.bands')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('scores.band')}</th>
                      <th scope="col">{t('scores.range')}</th>
                      <th scope="col">{t('scores.score')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {bands.map((band) => (
                      <tr key={band.n}>
                        <th scope="row">{bandName(band)}</th>
                        <td>{bandRange(band)}</td>
                        <td>{formatNumber(band.score)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </section>

          <h2 className="h4">{t('scores.objectives')}</h2>
          {scores.objectives.length === 0 ? <p>{t('scores.none')}</p> : null}
          {scores.objectives.length > 0 ? (
            <div className="table-responsive">
              <table className="table table-sm" data-testid="objective-scores">
                <thead>
                  <tr>
                    <th scope="col">{t('tree.code')}</th>
                    <th scope="col">{t('tree.unit')}</th>
                    <th scope="col">{t('scores.achievement')}</th>
                    <th scope="col">{t('scores.score')}</th>
                    <th scope="col">{t('scores.band')}</th>
                  </tr>
                </thead>
                <tbody>
                  {scores.objectives.map((o) => (
                    <tr key={o.objectiveId}>
                      <th scope="row">
                        <Link to={`/objectives/${o.objectiveId}`}>{o.code}</Link>
                        {o.evaluationStatus === 'contested' ? (
                          <>
                            {' '}
                            <Badge color="danger">{t('scores.contested')}</Badge>
                          </>
                        ) : null}
                      </th>
                      <td>{unitName(o.unitId)}</td>
                      <td>{percentText(o.percent)}</td>
                      <td>{scoreText(o.score)}</td>
                      <BandCell percent={o.percent} scale={scale} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}

          {scores.objectives.length > 0 ? (
            <ChartFigure
              id="distribution"
              caption={t('scores.distributionCaption')}
              chart={<BarChartOf data={spread.map((d) => ({ label: spreadLabel(d), value: d.count }))} />}
              table={
                <table className="table table-sm w-auto">
                  <thead>
                    <tr>
                      <th scope="col">{t('scores.band')}</th>
                      <th scope="col">{t('scores.count')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {spread.map((d) => (
                      <tr key={spreadLabel(d)}>
                        <th scope="row">{spreadLabel(d)}</th>
                        <td>{d.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            />
          ) : null}

          <h2 className="h4">{t('scores.units')}</h2>
          <div className="table-responsive">
            <table className="table table-sm">
              <thead>
                <tr>
                  <th scope="col">{t('tree.unit')}</th>
                  <th scope="col">{t('scores.achievement')}</th>
                  <th scope="col">{t('scores.score')}</th>
                  <th scope="col">{t('scores.band')}</th>
                </tr>
              </thead>
              <tbody>
                {scores.units.map((u) => (
                  <tr key={u.unitId}>
                    <th scope="row">{unitName(u.unitId)}</th>
                    <td>{percentText(u.percent)}</td>
                    <td>{scoreText(u.score)}</td>
                    <BandCell percent={u.percent} scale={scale} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {scores.people.length > 0 ? (
            <>
              <h2 className="h4">{t('scores.people')}</h2>
              <div className="table-responsive">
                <table className="table table-sm">
                  <thead>
                    <tr>
                      <th scope="col">{t('scores.person')}</th>
                      <th scope="col">{t('scores.objectivesCount')}</th>
                      <th scope="col">{t('scores.achievement')}</th>
                      <th scope="col">{t('scores.score')}</th>
                      <th scope="col">{t('scores.band')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {scores.people.map((p) => (
                      <tr key={p.person}>
                        <th scope="row">{p.name}</th>
                        <td>{p.objectives}</td>
                        <td>{percentText(p.percent)}</td>
                        <td>{scoreText(p.score)}</td>
                        <BandCell percent={p.percent} scale={scale} />
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}
