import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigationType } from 'react-router';
import { Button, Container, Header, HeaderBrand, HeaderContent, HeaderRightZone } from 'design-react-kit';
import { label, t } from '../i18n/messages';
import { type MessageKey } from '../i18n/it';
import { readsTheHistory, useSession } from '../session/session';

/** The frame of every page: skip link, the PA header with who is signed in, the main region, the footer. */
export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const navigation = useNavigationType();
  const page = location.pathname + location.search;
  const shown = useRef(page);
  // After a client-side navigation to another page, focus goes to its content (a screen reader announces it). On the
  // page load itself, and after a redirect that stands for it (`/` to the plans, a page to the sign-in: a REPLACE),
  // it stays at the top, where the skip link is the first stop. A change of the hash alone (the skip link) is not
  // another page.
  useEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    if (navigation !== 'REPLACE') main.current?.focus();
  }, [page, navigation]);
  return (
    <>
      {/* The kit's Skiplink puts the link straight inside a <ul> (axe: list); the design system's own markup instead. */}
      <div className="skiplinks">
        <a className="visually-hidden-focusable" href="#main">
          {t('app.skipToContent')}
        </a>
      </div>
      <Header type="center" theme="">
        <HeaderContent>
          <HeaderBrand tag="div">
            <div className="it-brand-text">
              <div className="it-brand-title">
                <Link to="/plans" className="text-white text-decoration-none">
                  {t('app.title')}
                </Link>
              </div>
              <div className="it-brand-tagline d-none d-md-block">{t('app.owner')}</div>
            </div>
          </HeaderBrand>
          {session ? (
            <HeaderRightZone>
              <span className="text-white me-3" data-testid="signed-in-as">
                {t('session.signedInAs', { name: session.name, role: session.roles.map((r) => label('role', r)).join(', ') })}
              </span>
              <Button color="light" size="sm" outline onClick={() => void signOut().catch(() => undefined)}>
                {t('session.signOut')}
              </Button>
            </HeaderRightZone>
          ) : null}
        </HeaderContent>
      </Header>
      {session ? (
        <nav aria-label={t('nav.label')} className="bg-light border-bottom">
          <Container>
            <ul className="nav">
              {navigationOf(session.roles).map(([to, key]) => (
                <li key={to} className="nav-item">
                  <NavLink className="nav-link" to={to}>
                    {t(key)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </Container>
        </nav>
      ) : null}
      <main id="main" ref={main} tabIndex={-1} className="py-4">
        <Container>{children}</Container>
      </main>
      <footer className="it-footer">
        <div className="it-footer-small-prints clearfix">
          <Container>
            <p className="text-white py-3 mb-0">{t('app.footer')}</p>
          </Container>
        </div>
      </footer>
    </>
  );
}

/** The pages of the navigation bar a person with these roles has, in order. */
function navigationOf(roles: readonly string[]): [string, MessageKey][] {
  return [
    ['/plans', 'nav.plans'],
    // What awaits the Segretario's approval or validation, across the plans.
    ...(roles.includes('segretario') ? ([['/queue', 'nav.queue']] as [string, MessageKey][]) : []),
    ...(roles.includes('dirigente') ? ([['/mine', 'nav.mine']] as [string, MessageKey][]) : []),
    ...(readsTheHistory(roles)
      ? ([
          ['/audit', 'nav.audit'],
          ['/dossiers', 'nav.dossiers'],
          // The red flags and the log's proofs: the API's roles for them (DOSSIER_REQUESTERS, AUDITORS) are these.
          ['/red-flags', 'nav.redFlags'],
          ['/verification', 'nav.verification'],
        ] as [string, MessageKey][])
      : []),
    ['/inbox', 'nav.inbox'],
  ];
}
