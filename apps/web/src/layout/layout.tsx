import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { Button, Container, Header, HeaderBrand, HeaderContent, HeaderRightZone } from 'design-react-kit';
import { label, t } from '../i18n/messages';
import { useSession } from '../session/session';

/** The frame of every page: skip link, the PA header with who is signed in, the main region, the footer. */
export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const page = location.pathname + location.search;
  const shown = useRef(page);
  // After a client-side navigation to another page, focus goes to its content (a screen reader announces it); on
  // the page load itself it stays at the top, where the skip link is the first stop. A change of the hash alone (the
  // skip link itself) is not another page.
  useEffect(() => {
    if (shown.current === page) return;
    shown.current = page;
    main.current?.focus();
  }, [page]);
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
              <Button color="light" size="sm" outline onClick={() => void signOut()}>
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
              <li className="nav-item">
                <NavLink className="nav-link" to="/plans">
                  {t('nav.plans')}
                </NavLink>
              </li>
              {session.roles.includes('dirigente') ? (
                <li className="nav-item">
                  <NavLink className="nav-link" to="/mine">
                    {t('nav.mine')}
                  </NavLink>
                </li>
              ) : null}
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
