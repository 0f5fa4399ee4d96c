import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { Button, Card, CardBody } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { hasMessage, label, t } from '../i18n/messages';
import { SelectField, TextField } from '../forms/text-field';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';

type Role = components['schemas']['DevelopmentSignInDto']['role'];
type Options = components['schemas']['SignInOptionsView'];

/** The demo ente's usual people, one per role: a click fills the form. */
const PRESETS: { personId: string; name: string; role: Role }[] = [
  { personId: 'seg', name: 'Maria Bianchi', role: 'segretario' },
  { personId: 'rossi', name: 'Mario Rossi', role: 'dirigente' },
  { personId: 'ndv', name: 'Nucleo di Valutazione', role: 'nucleo' },
  { personId: 'rpct', name: 'Laura Verdi', role: 'rpct' },
  { personId: 'admin', name: 'Ufficio Personale', role: 'admin' },
];
const ROLES: Role[] = ['segretario', 'dirigente', 'nucleo', 'rpct', 'admin'];

/**
 * Sign-in: through the ente's identity provider when the installation has one (a navigation to the API, which runs the
 * authorization code flow and comes back here with `?error=` if it did not end in a session), and on the embedded
 * default the development sign-in (a person and a role of the demo ente).
 */
export function SignInPage() {
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  // Why a sign-in at the identity provider did not end in a session (identity-provider-sign-in.controller.ts).
  const failure = search.get('error');
  const failureKey = `signIn.failure.${failure}`;
  // The page the person was sent away from (SignedIn in app.tsx), to open once signed in.
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/plans';
  const [options, setOptions] = useState<Options>();
  const [form, setForm] = useState(PRESETS[0]);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const presetId = useId();

  useEffect(() => {
    void answerOf(api.GET('/session/options')).then((a) => (a.data ? setOptions(a.data) : setProblem(a.problem)));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const answer = await answerOf(api.POST('/session/development', { body: form }));
    setBusy(false);
    if (answer.problem) return setProblem(answer.problem);
    signedIn(answer.data);
    void navigate(from);
  };

  const errorOf = (field: string) => fieldError(problem, field);

  return (
    <>
      <h1>{t('signIn.title')}</h1>
      <ProblemAlert problem={problem} shownFields={['personId', 'name']} />
      {options === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {failure ? (
        <div className="alert alert-danger" role="alert">
          {t(hasMessage(failureKey) ? failureKey : 'signIn.failure.refused')}
        </div>
      ) : null}
      {options?.identityProvider ? (
        <Card className="card-bg shadow-sm mt-3">
          <CardBody>
            <h2 className="h4">{t('signIn.identityProvider')}</h2>
            <p>{t('signIn.identityProviderHelp')}</p>
            {/* A navigation, not a call: the API sends the browser on to the provider and back. */}
            <a className="btn btn-primary" href={`/session/oidc/sign-in?returnTo=${encodeURIComponent(`/app${from}`)}`}>
              {t('signIn.identityProviderSubmit')}
            </a>
          </CardBody>
        </Card>
      ) : null}
      {options && !options.development && !options.identityProvider ? <p>{t('signIn.closed')}</p> : null}
      {options?.development ? (
        <Card className="card-bg shadow-sm mt-3">
          <CardBody>
            <h2 className="h4">{t('signIn.development')}</h2>
            <p>{t('signIn.developmentHelp', { ente: options.demoEnte })}</p>
            <form onSubmit={(e) => void submit(e)} noValidate>
              <div className="select-wrapper mb-4">
                <label htmlFor={presetId}>{t('signIn.preset')}</label>
                <select
                  id={presetId}
                  value={PRESETS.findIndex((p) => p.personId === form.personId && p.role === form.role)}
                  onChange={(e) => setForm(PRESETS[Number(e.target.value)] ?? form)}
                >
                  {PRESETS.map((p, i) => (
                    <option key={p.personId} value={i}>
                      {p.name} – {label('role', p.role)}
                    </option>
                  ))}
                  <option value={-1} disabled hidden>
                    —
                  </option>
                </select>
              </div>
              <TextField
                label={t('signIn.personId')}
                value={form.personId}
                onChange={(personId) => setForm({ ...form, personId })}
                error={errorOf('personId')}
              />
              <TextField label={t('signIn.name')} value={form.name} onChange={(name) => setForm({ ...form, name })} error={errorOf('name')} />
              <SelectField
                label={t('signIn.role')}
                value={form.role}
                options={ROLES.map((r) => ({ value: r, label: label('role', r) }))}
                onChange={(role) => setForm({ ...form, role: role as Role })}
              />
              <Button color="primary" type="submit" disabled={busy}>
                {t('signIn.submit')}
              </Button>
            </form>
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
