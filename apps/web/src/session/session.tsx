import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { type components } from '@piao/api-client';
import { api } from '../api/api';

export type Session = components['schemas']['SessionView'];

interface SessionState {
  /** undefined while asking; null: nobody signed in. */
  session: Session | null | undefined;
  /** The API could not be reached to ask. */
  unreachable: boolean;
  signedIn(session: Session): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** Who is signed in, asked of the API (the token is in an HttpOnly cookie: the page cannot read it, only use it). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [unreachable, setUnreachable] = useState(false);
  useEffect(() => {
    api.GET('/session').then(
      ({ data, response }) => {
        // 401: nobody signed in. Anything else without an answer (a 503, a proxy's error) is not a sign-out.
        if (!data && response.status !== 401) setUnreachable(true);
        setSession(data ?? null);
      },
      () => {
        setUnreachable(true);
        setSession(null);
      },
    );
  }, []);
  const signOut = useCallback(async () => {
    const { data, response } = await api.POST('/session/sign-out');
    // Only once the cookie is cleared: otherwise the page would say "signed out" of a session still open.
    if (!response.ok) return;
    setSession(null);
    // A session the identity provider opened ends there too (it sends the browser back to the sign-in page).
    if (data?.providerSignOutUrl) window.location.assign(data.providerSignOutUrl);
  }, []);
  return <SessionContext.Provider value={{ session, unreachable, signedIn: setSession, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/**
 * Who reads the whole ente's history (the audit trail, the dossiers): the API's DOSSIER_REQUESTERS and audit-trail
 * readers. The page only offers; the API decides.
 */
export function readsTheHistory(roles: readonly string[]): boolean {
  return roles.some((r) => r === 'nucleo' || r === 'rpct' || r === 'segretario' || r === 'admin');
}
