import { Badge } from 'design-react-kit';
import { t } from '../i18n/messages';
import { type ComparedField } from './compare';

/**
 * Two versions side by side, one row per field. A changed field is marked by a "modificato" badge and bold text, not
 * by colour alone (WCAG 1.4.1), and its row says so to a screen reader through the badge's text.
 */
export function ComparisonTable({
  caption,
  beforeLabel,
  afterLabel,
  rows,
}: {
  caption: string;
  beforeLabel: string;
  afterLabel: string;
  rows: ComparedField[];
}) {
  return (
    <div className="table-responsive">
      <table className="table table-sm align-middle">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('compare.field')}</th>
            <th scope="col">{beforeLabel}</th>
            <th scope="col">{afterLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field} className={row.changed ? 'table-warning' : undefined} data-changed={row.changed ? 'true' : undefined}>
              <th scope="row" className={row.changed ? 'fw-bold' : 'fw-normal'}>
                {row.field}
                {row.changed ? (
                  <>
                    {' '}
                    <Badge color="dark">{t('compare.changed')}</Badge>
                  </>
                ) : null}
              </th>
              <td className={row.changed ? 'fw-bold' : undefined}>{row.before}</td>
              <td className={row.changed ? 'fw-bold' : undefined}>{row.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
