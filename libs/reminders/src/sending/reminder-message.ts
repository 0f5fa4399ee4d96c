import { daysBetween, italianDate, type CalendarDate } from '@piao/lifecycle';

export interface ReminderSubject {
  kind: string;
  description: string;
  code: string | null;
  title: string;
  objectiveId: string | null;
  dueOn: CalendarDate;
  unitName?: string;
}

const KIND_LABELS: Record<string, string> = {
  'phase-end': 'Fase',
  'indicator-due': 'Indicatore',
  'objective-deadline': "Scadenza dell'obiettivo",
  'monitoring-report': 'Report di monitoraggio',
  'year-end-report': 'Relazione di fine anno',
  'plan-approval': 'Approvazione del piano',
  'ndv-validation': 'Validazione del Nucleo di Valutazione',
};

/** "Mancano 7 giorni", "Scade oggi", "Scaduta da 3 giorni", from the day the message goes out. */
export function timeLeft(dueOn: CalendarDate, today: CalendarDate): string {
  const days = daysBetween(today, dueOn);
  if (days === 0) return 'Scade oggi';
  if (days > 0) return days === 1 ? 'Scade domani' : `Mancano ${days} giorni`;
  return -days === 1 ? 'Scaduta da 1 giorno' : `Scaduta da ${-days} giorni`;
}

/** The reminder in Italian: the subject says what and when at a glance, the body gives the rest and the link. */
export function reminderMessage(
  subject: ReminderSubject,
  options: { recipientName: string; today: CalendarDate; escalation: boolean; copyOf?: string; baseUrl: string },
): { subject: string; text: string } {
  const label = KIND_LABELS[subject.kind] ?? 'Scadenza';
  const when = timeLeft(subject.dueOn, options.today);
  const what = subject.code ? `${subject.code} – ${subject.title}` : subject.title;
  const prefix = options.escalation ? 'Segnalazione al Segretario: ' : options.copyOf ? 'In copia: ' : '';
  const lines = [
    `Gentile ${options.recipientName},`,
    '',
    options.escalation
      ? 'la scadenza seguente è stata superata e non risulta ancora rispettata:'
      : options.copyOf
        ? `ricevi in copia, come delegato/a di ${options.copyOf}, il promemoria seguente:`
        : 'ti ricordiamo la scadenza seguente:',
    '',
    subject.objectiveId ? `Obiettivo: ${what}` : `Piano: ${what}`,
    `${label}: ${subject.description}`,
    `Scadenza: ${italianDate(subject.dueOn)}`,
    `${when}.`,
    ...(subject.unitName ? [`Unità responsabile: ${subject.unitName}`] : []),
    '',
    subject.objectiveId ? `Apri l'obiettivo: ${options.baseUrl}/objectives/${subject.objectiveId}` : `Apri il piano: ${options.baseUrl}`,
    '',
    "Messaggio automatico inviato secondo la politica dei promemoria dell'ente. Non rispondere a questo indirizzo.",
  ];
  return { subject: `${prefix}${when}: ${label.toLowerCase()} "${subject.description}" (${what})`.slice(0, 250), text: lines.join('\n') };
}
