import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Badge, Card, CardBody, CardTitle, Col, Row } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatDate } from '../format/format';
import { label, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';

type Plan = components['schemas']['PlanView'];

/** The ente's plans, the latest years first. */
export function PlansPage() {
  const [plans, setPlans] = useState<Plan[]>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void answerOf(api.GET('/plans')).then((a) => (a.data ? setPlans(a.data.items) : setProblem(a.problem)));
  }, []);
  return (
    <>
      <h1>{t('plans.title')}</h1>
      <ProblemAlert problem={problem} />
      {plans === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {plans?.length === 0 ? <p>{t('plans.empty')}</p> : null}
      <Row>
        {plans?.map((plan) => (
          <Col key={plan.planId} lg={4} md={6} className="mb-3">
            <Card className="card-bg shadow-sm h-100">
              <CardBody>
                <CardTitle tag="h2" className="h5">
                  <Link to={`/plans/${plan.planId}`} aria-label={t('plans.open', { title: plan.title })}>
                    {plan.title}
                  </Link>
                </CardTitle>
                <p className="mb-2">
                  {plan.kind} · {t('plans.years', { from: plan.fromYear, to: plan.toYear })}
                </p>
                <Badge color={plan.status === 'approved' ? 'success' : 'secondary'}>{label('planStatus', plan.status)}</Badge>
                {plan.approvalAct ? (
                  <p className="small mt-2 mb-0">{t('tree.approvedBy', { number: plan.approvalAct.number, date: formatDate(plan.approvalAct.date) })}</p>
                ) : null}
              </CardBody>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
