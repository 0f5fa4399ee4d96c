import { createHash, randomBytes } from 'node:crypto';
import { ICalCalendar } from 'ical-generator';
import { type Clock } from '@piao/application';
import { type SqlClient } from '@piao/event-store';
import { addDays, italianDate, romeDateOf, unitsHeadedBy, type OrganisationState } from '@piao/lifecycle';

/** 32 random bytes: 256 bits nobody guesses. As base64url, 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** The calendar's own words for each kind of deadline. */
const KIND_LABELS: Record<string, string> = {
  'phase-end': 'Fine fase',
  'indicator-due': 'Indicatore',
  'objective-deadline': "Scadenza dell'obiettivo",
  'monitoring-report': 'Report di monitoraggio',
  'year-end-report': 'Relazione di fine anno',
  'plan-approval': 'Approvazione del piano',
  'ndv-validation': 'Validazione del Nucleo di Valutazione',
};

export interface CalendarFeedOptions {
  /** Links in the events point under it: `${baseUrl}/objectives/{id}`. */
  baseUrl: string;
}

export interface FeedOwner {
  ente: string;
  personId: string;
}

interface FeedDeadline {
  deadline_id: string;
  objective_id: string | null;
  code: string | null;
  title: string;
  kind: string;
  description: string;
  due_on: string;
  unit_id: string | null;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A person's deadlines as a calendar their own calendar application subscribes to, at a secret URL. Only the
 * SHA-256 of the secret is stored: a new one replaces it (the previous URL stops working), and a lost database
 * copy gives nobody the URLs. The feed holds the open dated deadlines of the units the person heads today, one
 * all-day event each, whose UID is the deadline's id: a reprogramming that moves a date moves the same event.
 */
export class CalendarFeeds {
  private readonly baseUrl: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly clock: Clock,
    options: CalendarFeedOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** A new secret for the person's feed, replacing any earlier one. Returned once, never stored. */
  async rotate(ente: string, personId: string): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await this.sql.query(
      `INSERT INTO rem_calendar_feeds (ente, person_id, token_sha256, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (ente, person_id) DO UPDATE SET token_sha256 = excluded.token_sha256, created_at = excluded.created_at`,
      [ente, personId, tokenHash(token), this.clock.now()],
    );
    return token;
  }

  /** Whose feed a secret opens; undefined for anything that is not a current secret (malformed ones included). */
  async owner(token: string): Promise<FeedOwner | undefined> {
    if (!TOKEN_FORMAT.test(token)) return undefined;
    const [row] = await this.sql.query<{ ente: string; person_id: string }>(`SELECT ente, person_id FROM rem_calendar_feeds WHERE token_sha256 = $1`, [
      tokenHash(token),
    ]);
    return row ? { ente: row.ente, personId: row.person_id } : undefined;
  }

  /** The feed as iCalendar text (RFC 5545). */
  async feed(owner: FeedOwner): Promise<string> {
    const now = this.clock.now();
    const today = romeDateOf(now);
    const [row] = await this.sql.query<{ state: OrganisationState }>(`SELECT state FROM rem_organisations WHERE ente = $1`, [owner.ente]);
    const organisation = row?.state;
    const units = organisation ? [...unitsHeadedBy(organisation, owner.personId, today)] : [];
    const deadlines =
      units.length === 0
        ? []
        : await this.sql.query<FeedDeadline>(
            `SELECT deadline_id, objective_id::text AS objective_id, code, title, kind, description, to_char(due_on, 'YYYY-MM-DD') AS due_on, unit_id
               FROM rem_deadlines WHERE ente = $1 AND open AND due_on IS NOT NULL AND unit_id = ANY($2::text[])
              ORDER BY due_on, deadline_id`,
            [owner.ente, units],
          );
    const name = organisation?.people[owner.personId]?.name;
    const calendar = new ICalCalendar({
      name: name ? `Scadenze PIAO – ${name}` : 'Scadenze PIAO',
      description: 'Le scadenze aperte delle unità che dirigi, aggiornate a ogni modifica del piano.',
      prodId: { company: 'piao-cycle', product: 'scadenze', language: 'IT' },
      ttl: 60 * 60,
    });
    for (const d of deadlines) {
      const label = KIND_LABELS[d.kind] ?? 'Scadenza';
      const what = d.code ? `${d.code} – ${d.title}` : d.title;
      const link = d.objective_id ? `${this.baseUrl}/objectives/${d.objective_id}` : undefined;
      const unitName = d.unit_id ? (organisation?.units[d.unit_id]?.name ?? d.unit_id) : undefined;
      calendar.createEvent({
        id: d.deadline_id,
        allDay: true,
        start: new Date(`${d.due_on}T00:00:00Z`),
        end: new Date(`${addDays(d.due_on, 1)}T00:00:00Z`),
        stamp: now,
        summary: `Scadenza ${label.toLowerCase()}: ${d.description} (${what})`,
        description: [
          `${d.objective_id ? 'Obiettivo' : 'Piano'}: ${what}`,
          `${label}: ${d.description}`,
          `Scadenza: ${italianDate(d.due_on)}`,
          ...(unitName ? [`Unità responsabile: ${unitName}`] : []),
          ...(link ? ['', `Apri l'obiettivo: ${link}`] : []),
        ].join('\n'),
        url: link,
      });
    }
    return calendar.toString();
  }
}
