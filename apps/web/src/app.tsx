import { type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { t } from './i18n/messages';
import { Layout } from './layout/layout';
import { AuditTrailPage } from './audit/audit-trail-page';
import { DossiersPage } from './dossiers/dossiers-page';
import { InboxPage } from './inbox/inbox-page';
import { MyObjectivesPage } from './mine/my-objectives-page';
import { DraftObjectivePage } from './objectives/draft-objective-page';
import { ObjectivePage } from './objectives/objective-page';
import { PlanTreePage } from './plans/plan-tree-page';
import { PlansPage } from './plans/plans-page';
import { SessionProvider, useSession } from './session/session';
import { SignInPage } from './sign-in/sign-in-page';

/** A page for people signed in: anyone else is sent to the sign-in. */
function SignedIn({ children }: { children: ReactNode }) {
  const { session, unreachable } = useSession();
  if (session === undefined) return <p>{t('app.loading')}</p>;
  if (session === null) return unreachable ? <p role="alert">{t('app.unavailable')}</p> : <Navigate to="/sign-in" replace />;
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
                  <PlanTreePage />
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
              path="/objectives/:objectiveId"
              element={
                <SignedIn>
                  <ObjectivePage />
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
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout>
      </SessionProvider>
    </BrowserRouter>
  );
}
