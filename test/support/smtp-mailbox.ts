import { type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  /** When the server accepted it (Date.now()): a test's own clock may say another time. */
  receivedAt: number;
}

/**
 * A real SMTP server (the `smtp-server` package, messages parsed by mailparser) on a free local port, keeping every
 * message it accepts. `delayMs` holds each message's acceptance that long (a burst then lasts); `refuse` answers 550
 * to an address at RCPT (a mailbox that does not exist); `stop()`/`start()` make an outage on the same port.
 */
export class SmtpMailbox {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  private readonly refused = new Set<string>();
  port = 0;

  constructor(private readonly delayMs = 0) {}

  static async start(delayMs = 0): Promise<SmtpMailbox> {
    const mailbox = new SmtpMailbox(delayMs);
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
      maxClients: 1_000,
      onRcptTo: (address, _session, callback) => {
        if (this.refused.has(address.address.toLowerCase())) return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
            const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
            // Counted when accepted: a client that died before the end of DATA sent nothing.
            this.messages.push({ messageId: mail.messageId ?? '', to, subject: mail.subject ?? '', text: mail.text ?? '', receivedAt: Date.now() });
            callback();
          })
          .catch(callback);
      },
    });
    server.on('error', () => undefined); // a client killed mid-session
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
