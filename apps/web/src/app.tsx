import { type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { t } from './i18n/messages';
import { Layout } from './layout/layout';
import { AuditTrailPage } from './audit/audit-trail-page';
import { DossiersPage } from './dossiers/dossiers-page';
import { ImportPage } from './imports/import-page';
import { InboxPage } from './inbox/inbox-page';
import { MyObjectivesPage } from './mine/my-objectives-page';
import { DraftObjectivePage } from './objectives/draft-objective-page';
import { EditDraftPage } from './objectives/edit-draft-page';
import { PlansPage } from './plans/plans-page';
import { SessionProvider, useSession } from './session/session';
import { SignInPage } from './sign-in/sign-in-page';
import { QueuePage } from './queue/queue-page';
import { ReprogrammingPage } from './reprogramming/reprogramming-page';
import { ObjectiveRoute, PlanRoute } from './time-travel/past-views';
import { LazyDashboardPage } from './charts/lazy-page';
import { LazyRedFlagsPage } from './red-flags/lazy-page';
import { LazyScoresPage } from './scores/lazy-page';
import { LazyVerificationPage } from './verification/lazy-page';

/** A page for people signed in: anyone else is sent to the sign-in. */
function SignedIn({ children }: { children: ReactNode }) {
  const { session, unreachable } = useSession();
  const location = useLocation();
  if (session === undefined) return <p>{t('app.loading')}</p>;
  // The page asked for is remembered, to open it once signed in.
  if (session === null)
    return unreachable ? <p role="alert">{t('app.unavailable')}</p> : <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

function NotFound() {
  return (
    <>
      <h1>{t('app.notFound')}</h1>
      <Link to="/plans">{t('app.backHome')}</Link>
    </>
  );
}

/** The routes of the interface, under /app (the API owns the paths at the root). */
export function App() {
  return (
    <BrowserRouter basename="/app">
      <SessionProvider>
        <Layout>
          <Routes>
            <Route path="/" element={<Navigate to="/plans" replace />} />
            <Route path="/sign-in" element={<SignInPage />} />
            <Route
              path="/plans"
              element={
                <SignedIn>
                  <PlansPage />
                </SignedIn>
              }
            />
            <Route
              path="/plans/:planId"
              element={
                <SignedIn>
                  <PlanRoute />
                </SignedIn>
              }
            />
            <Route
              path="/plans/:planId/new"
              element={
                <SignedIn>
                  <DraftObjectivePage />
                </SignedIn>
              }
            />
            <Route
              path="/plans/:planId/import"
              element={
                <SignedIn>
                  <ImportPage />
                </SignedIn>
              }
            />
            <Route
              path="/objectives/:objectiveId"
              element={
                <SignedIn>
                  <ObjectiveRoute />
                </SignedIn>
              }
            />
            <Route
              path="/objectives/:objectiveId/edit"
              element={
                <SignedIn>
                  <EditDraftPage />
                </SignedIn>
              }
            />
            <Route
              path="/objectives/:objectiveId/reprogramming"
              element={
                <SignedIn>
                  <ReprogrammingPage />
                </SignedIn>
              }
            />
            <Route
              path="/queue"
              element={
                <SignedIn>
                  <QueuePage />
                </SignedIn>
              }
            />
            <Route
              path="/mine"
              element={
                <SignedIn>
                  <MyObjectivesPage />
                </SignedIn>
              }
            />
            <Route
              path="/dossiers"
              element={
                <SignedIn>
                  <DossiersPage />
                </SignedIn>
              }
            />
            <Route
              path="/audit"
              element={
                <SignedIn>
                  <AuditTrailPage />
                </SignedIn>
              }
            />
            <Route
              path="/inbox"
              element={
                <SignedIn>
                  <InboxPage />
                </SignedIn>
              }
            />
            {/* The NdV's and the RPCT's pages: red flags, scores with the SMVP bands, the plan's dashboard, verification. */}
            <Route
              path="/red-flags"
              element={
                <SignedIn>
                  <LazyRedFlagsPage />
                </SignedIn>
              }
            />
            <Route
              path="/plans/:planId/scores"
              element={
                <SignedIn>
                  <LazyScoresPage />
                </SignedIn>
              }
            />
            <Route
              path="/plans/:planId/dashboard"
              element={
                <SignedIn>
                  <LazyDashboardPage />
                </SignedIn>
              }
            />
            <Route
              path="/verification"
              element={
                <SignedIn>
                  <LazyVerificationPage />
                </SignedIn>
              }
            />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout>
      </SessionProvider>
    </BrowserRouter>
  );
}
