import { useEffect, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { Badge, Button } from 'design-react-kit';
import { formatDate } from '../format/format';
import { label, t } from '../i18n/messages';
import { addMonths, byDay, monthGrid, monthKey, type Month } from './month-grid';

export interface CalendarDeadline {
  objectiveId: string;
  code: string;
  kind: string;
  ref: string;
  description: string;
  dueOn: string;
  overdue: boolean;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const MONTHS = ['month.1', 'month.2', 'month.3', 'month.4', 'month.5', 'month.6', 'month.7', 'month.8', 'month.9', 'month.10', 'month.11', 'month.12'] as const;

/**
 * The dirigente's deadlines on a month grid (Monday first): each day lists its deadlines, an overdue one marked
 * «Scaduta» in words, not by colour alone. The buttons, or Page Up / Page Down anywhere on the grid, change month;
 * the month is in the page's address (a link to it opens that month), replaced rather than pushed so that the focus
 * stays where it is (the layout moves it to the content on a new page) and Page Down can be pressed again.
 */
export function DeadlineCalendar({ deadlines, month: shown, onMonth }: { deadlines: CalendarDeadline[]; month: Month; onMonth(month: Month): void }) {
  // The month moves here, step by step (two quick Page Up are two months, not one twice), and the address follows.
  const [month, setMonth] = useState(shown);
  const move = (delta: number) => setMonth((m) => addMonths(m, delta));
  const key = monthKey(month);
  const shownKey = monthKey(shown);
  useEffect(() => {
    if (key !== shownKey) onMonth(month);
    // Only when the month moved here (not on the address's own changes, which come in below).
  }, [key]);
  useEffect(() => setMonth(shown), [shownKey]);
  const weeks = monthGrid(month);
  const days = byDay(deadlines, (d) => d.dueOn);
  const inMonth = weeks.flat().some((c) => c.inMonth && days.has(c.date));
  const monthName = `${t(MONTHS[month.month - 1])} ${month.year}`;
  const keys = (event: KeyboardEvent) => {
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      move(event.key === 'PageUp' ? -1 : 1);
    }
  };
  return (
    <div onKeyDown={keys} data-testid="deadline-calendar">
      <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
        <Button color="primary" outline size="sm" onClick={() => move(-1)}>
          {t('calendar.previous')}
        </Button>
        <h3 className="h5 mb-0 mx-2" aria-live="polite">
          {monthName}
        </h3>
        <Button color="primary" outline size="sm" onClick={() => move(1)}>
          {t('calendar.next')}
        </Button>
      </div>
      <p className="small">{t('calendar.keys')}</p>
      {!inMonth ? <p>{t('calendar.empty')}</p> : null}
      <div className="table-responsive">
        {/* Focusable so that Page Up / Page Down work from the grid itself, with the keyboard alone. */}
        <table className="table table-bordered table-sm" tabIndex={0} aria-describedby="calendar-keys">
          <caption id="calendar-keys">{t('calendar.caption', { month: monthName })}</caption>
          <thead>
            <tr>
              {WEEKDAYS.map((d) => (
                <th key={d} scope="col">
                  <abbr title={t(`weekday.${d}`)}>{t(`weekdayShort.${d}`)}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={week[0].date}>
                {week.map((cell) => (
                  <td key={cell.date} className={cell.inMonth ? '' : 'bg-light'} style={{ width: '14.28%', verticalAlign: 'top' }} data-date={cell.date}>
                    <span className={cell.inMonth ? 'fw-semibold' : 'text-secondary'}>
                      {cell.inMonth ? cell.day : <span title={formatDate(cell.date)}>{cell.day}</span>}
                    </span>
                    {cell.inMonth
                      ? (days.get(cell.date) ?? []).map((d) => (
                          <div key={`${d.objectiveId}-${d.kind}-${d.ref}`} className="small mt-1">
                            {d.overdue ? (
                              <>
                                <Badge color="danger">{t('calendar.overdue')}</Badge>{' '}
                              </>
                            ) : null}
                            <Link to={`/objectives/${d.objectiveId}`}>{d.code}</Link> {label('deadline', d.kind)}: {d.description}
                          </div>
                        ))
                      : null}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
