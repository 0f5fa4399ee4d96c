import { lazy, Suspense } from 'react';
import { t } from '../i18n/messages';

// Fetched when the page is first opened (a chunk of its own): the first load of the interface does not carry it.
const Page = lazy(() => import('./verification-page').then((m) => ({ default: m.VerificationPage })));

export function LazyVerificationPage() {
  return (
    <Suspense fallback={<p>{t('app.loading')}</p>}>
      <Page />
    </Suspense>
  );
}
