import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per delivery key: a message sent again after a crash carries the same id, and mail clients show it once. */
  messageId: string;
}

/** The server refused the message for good (a 5xx answer: unknown mailbox, rejected sender): retrying cannot help. */
export class MailRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailRefused';
  }
}

/** How reminders leave as e-mail. */
export interface MailTransport {
  /** Resolves once the server accepted the message; MailRefused when it refused it for good; any other error is worth a retry. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface MailSettings {
  /** `smtp://user:pass@host:port`; absent: messages are written as .eml files under `folder`. */
  smtpUrl?: string;
  from: string;
  folder: string;
  /** SMTP connections kept open: as many as the reminders delivered at once, so that none waits for a connection. */
  connections?: number;
}

/** SMTP through nodemailer, or a folder of .eml files on the embedded default (nothing to install, nothing lost). */
export function openMailTransport(settings: MailSettings): MailTransport {
  if (!settings.smtpUrl) return new FolderMailTransport(settings.folder, settings.from);
  // Bounded waits (nodemailer's defaults are minutes): a hung server must not outlast a sender's claim on a reminder.
  const url = new URL(settings.smtpUrl);
  const options: SMTPPool.Options = {
    host: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // A few connections kept open and reused: a burst of reminders does not open one connection per message.
    pool: true,
    maxConnections: settings.connections ?? 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  // nodemailer writes the end of a message's DATA as a small write of its own; with Nagle's algorithm on, it waits for
  // the server's delayed ACK (about 40 ms on Linux), which held each connection to about 22 messages a second. So the
  // pool's connections are sockets of ours with Nagle off. nodemailer takes each over while it is still connecting:
  // its own handlers then see a refused or failed connection as they would on a socket of theirs, and its greeting
  // timeout bounds a connection that never completes. It starts TLS on it for an smtps: URL, STARTTLS as usual
  // otherwise.
  options.getSocket = (_options, callback) => {
    callback(null, { connection: connect({ host: options.host, port: options.port ?? (options.secure ? 465 : 587), noDelay: true }) });
  };
  const transporter = nodemailer.createTransport(options, { from: settings.from });
  return new SmtpMailTransport(transporter, settings.from);
}

class SmtpMailTransport implements MailTransport {
  constructor(
    private readonly transporter: Transporter,
    private readonly from: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transporter.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500) throw new MailRefused(`${code} ${(error as Error).message}`);
      throw error;
    }
  }

  close(): void {
    this.transporter.close();
  }
}

class FolderMailTransport implements MailTransport {
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly folder: string,
    private readonly from: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.transporter.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    await mkdir(this.folder, { recursive: true });
    // Named after the Message-ID: a message written again after a crash replaces itself.
    await writeFile(join(this.folder, `${mail.messageId.replace(/[^\w.@-]/g, '_')}.eml`), info.message as Buffer);
  }

  close(): void {
    this.transporter.close();
  }
}
