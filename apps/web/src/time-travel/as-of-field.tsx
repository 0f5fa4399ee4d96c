import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button } from 'design-react-kit';
import { type Problem } from '@piao/api-client';
import { TextField } from '../forms/text-field';
import { formatDate } from '../format/format';
import { t } from '../i18n/messages';
import { fieldError } from '../problem/problem-view';
import { readAsOf, todayInRome } from './as-of-date';

/** The query parameter of a past view: `?al=YYYY-MM-DD`. */
export const AS_OF_PARAM = 'al';

/**
 * "Il piano al" / "L'obiettivo al": a day in dd/mm/yyyy that opens the past view of the page (`?al=`). A day that
 * does not exist or lies in the future is named under the field, and nothing is asked of the API; the API's own
 * refusal of the date (`problem`) is named there too.
 */
export function AsOfField({ subject, current, problem }: { subject: 'plan' | 'objective'; current?: string; problem?: Problem }) {
  const navigate = useNavigate();
  const [text, setText] = useState(current ? formatDate(current) : '');
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const reading = readAsOf(text, todayInRome());
    if (reading.error) return setError(t(reading.error === 'future' ? 'asOf.future' : 'rule.date-invalid'));
    setError(undefined);
    void navigate(`?${AS_OF_PARAM}=${reading.date}`);
  };
  return (
    <form onSubmit={submit} noValidate className="d-flex flex-wrap align-items-end gap-3 mb-4" aria-label={t(`asOf.form.${subject}`)}>
      <div className="flex-grow-1" style={{ maxWidth: '20rem' }}>
        <TextField label={t(`asOf.label.${subject}`)} value={text} onChange={setText} error={error ?? fieldError(problem, 'date')} />
      </div>
      <Button color="primary" outline type="submit" className="mb-3">
        {t('asOf.show')}
      </Button>
    </form>
  );
}
