import { Link } from 'react-router';
import { formatDate } from '../format/format';
import { label, t } from '../i18n/messages';
import { readsTheHistory, useSession } from '../session/session';

/**
 * "verifica" beside an event of an objective's timeline, for those who may read the log's proofs (the API's
 * AUDITORS): it opens the verification of that event's inclusion in the signed log. An event not hashed yet (no
 * leaf: the audit trail says `leafIndex: null`) has nothing to verify yet; the timeline does not say, and the
 * verification page then shows the API's 404.
 */
export function VerifyEventLink({ event }: { event: { eventId: string; type: string; occurredAt: string; leafIndex?: number | null } }) {
  const { session } = useSession();
  if (!readsTheHistory(session?.roles ?? []) || event.leafIndex === null) return null;
  return (
    <div className="small">
      <Link
        to={`/verification?eventId=${event.eventId}`}
        aria-label={t('verification.verifyLinkLabel', { what: label('event', event.type), date: formatDate(event.occurredAt) })}
      >
        {t('verification.verifyLink')}
      </Link>
    </div>
  );
}
