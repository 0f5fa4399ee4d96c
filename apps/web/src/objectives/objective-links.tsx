import { type components } from '@piao/api-client';
import { Link } from 'react-router';
import { t } from '../i18n/messages';
import { useSession } from '../session/session';
import { isEditableDraft, mayEditDraft } from './edit-draft-page';

type Objective = components['schemas']['ObjectiveView'];

/**
 * The pages of the objective beyond its actions: editing the draft (while it is one), its reprogramming and versions
 * (once approved). Offered by role and status; the API decides the rest (a dirigente of another unit is refused).
 */
export function ObjectiveLinks({ objective }: { objective: Objective }) {
  const { session } = useSession();
  const roles = session?.roles ?? [];
  const editable = isEditableDraft(objective.status) && mayEditDraft(roles);
  // Anyone may read the versions side by side; a pending reprogramming or one approved is worth a look.
  const reprogramming = objective.status === 'approved' || objective.pendingReprogramming !== null || objective.reprogrammings.length > 0;
  if (!editable && !reprogramming) return null;
  return (
    <p className="d-flex flex-wrap gap-3">
      {editable ? (
        <Link to={`/objectives/${objective.objectiveId}/edit`} className="btn btn-outline-primary btn-sm">
          {t('edit.link')}
        </Link>
      ) : null}
      {reprogramming ? (
        <Link to={`/objectives/${objective.objectiveId}/reprogramming`} className="btn btn-outline-primary btn-sm">
          {t('reprogramming.link')}
        </Link>
      ) : null}
    </p>
  );
}
