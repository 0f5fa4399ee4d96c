import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { formatDate } from '../format/format';
import { t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';

type Message = components['schemas']['InboxMessageView'];

/** The reminders the system wrote to me (the same as the e-mails), newest first; and the link to my deadlines calendar. */
export function InboxPage() {
  const [messages, setMessages] = useState<Message[]>();
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem>();
  const [feed, setFeed] = useState<string>();

  const load = useCallback(async (cursor?: string) => {
    const answer = await answerOf(api.GET('/people/me/inbox', { params: { query: { cursor, limit: 50 } } }));
    if (answer.problem) return setProblem(answer.problem);
    setMessages((before) => (cursor ? [...(before ?? []), ...answer.data.items] : answer.data.items));
    setNext(answer.data.next);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const markRead = async (messageId: string) => {
    const answer = await answerOf(api.POST('/people/me/inbox/{messageId}/read', { params: { path: { messageId } } }));
    if (answer.problem) return setProblem(answer.problem);
    setMessages((list) => list?.map((m) => (m.messageId === messageId ? { ...m, readAt: new Date().toISOString() } : m)));
  };
  const subscribe = async () => {
    const answer = await answerOf(api.POST('/people/me/calendar-feed'));
    if (answer.problem) return setProblem(answer.problem);
    setFeed(answer.data.url);
  };

  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <ProblemAlert problem={problem} />
      <section className="mb-4" aria-labelledby="calendar-feed">
        <h2 id="calendar-feed" className="h4">
          {t('inbox.calendar')}
        </h2>
        <p>{t('inbox.calendarHelp')}</p>
        <Button color="primary" outline onClick={() => void subscribe()}>
          {t('inbox.subscribe')}
        </Button>
        {feed ? (
          <>
            <Notice text={t('inbox.feedCreated')} />
            <p className="text-break">
              <code>{feed}</code>
            </p>
          </>
        ) : null}
      </section>
      <h2 className="h4">{t('inbox.messages')}</h2>
      {messages === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {messages?.length === 0 ? <p>{t('inbox.none')}</p> : null}
      <ul className="list-unstyled">
        {(messages ?? []).map((m) => (
          <li key={m.messageId} className="border-bottom py-3">
            <h3 className={`h6 mb-1${m.readAt ? ' fw-normal' : ''}`}>
              {m.readAt ? null : <span className="visually-hidden">{t('inbox.unread')}: </span>}
              {m.subject}
            </h3>
            <div className="small mb-2">{formatDate(m.createdAt)}</div>
            <p className="mb-2" style={{ whiteSpace: 'pre-line' }}>
              {m.body}
            </p>
            {m.objectiveId ? (
              <Link to={`/objectives/${m.objectiveId}`} className="me-3">
                {t('inbox.open')}
              </Link>
            ) : null}
            {m.readAt ? null : (
              <Button color="primary" size="sm" outline onClick={() => void markRead(m.messageId)}>
                {t('inbox.markRead')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {next ? (
        <Button color="primary" outline onClick={() => void load(next)}>
          {t('audit.more')}
        </Button>
      ) : null}
    </>
  );
}
