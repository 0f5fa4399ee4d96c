import { type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  /** When the server accepted it (the test's clock may say otherwise: see `day`). */
  receivedAt: Date;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free local port, keeping every message it accepts, parsed.
 * `refuse` makes it answer 550 to a recipient (a mailbox that does not exist); `stop()`/`start()` take it down and
 * bring it back on the same port (an outage).
 */
export class SmtpMailbox {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  private readonly refused = new Set<string>();
  port = 0;

  static async start(): Promise<SmtpMailbox> {
    const mailbox = new SmtpMailbox();
    await mailbox.start();
    return mailbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  refuse(address: string): void {
    this.refused.add(address.toLowerCase());
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.refused.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
            this.messages.push({ messageId: mail.messageId ?? '', to, subject: mail.subject ?? '', text: mail.text ?? '', receivedAt: new Date() });
            callback();
          })
          .catch(callback);
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages per Message-ID: a count above 1 is a message the server got twice. */
  countsByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    return counts;
  }
}
