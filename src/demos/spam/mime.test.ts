import { describe, expect, it } from 'vitest';
import { messageText } from './data.js';
import { mimeBodyText } from './mime.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64').replace(/(.{20})/g, '$1\n');

// The shape of the SpamAssassin message that filled the spam report with base64: a multipart/mixed
// message whose HTML part is base64-encoded, with a quoted-printable text part and an attachment.
const raw = [
  'From: someone@example.com',
  'Subject: Web Seminar',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed;',
  '    boundary="_NextPart_84815C5ABAF209EF376268C8"',
  '',
  'This is a multi-part message in MIME format.',
  '',
  '--_NextPart_84815C5ABAF209EF376268C8',
  'Content-Type: text/plain; charset="iso-8859-1"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Register today =E2=80=94 caf=E9 seats are limi=',
  'ted.',
  '--_NextPart_84815C5ABAF209EF376268C8',
  'Content-Type: text/html; charset="utf-8"',
  'Content-Transfer-Encoding: base64',
  '',
  b64('<html><body><p>Subscription information: reply to unsubscribe</p></body></html>'),
  '--_NextPart_84815C5ABAF209EF376268C8',
  'Content-Type: image/gif; name="logo.gif"',
  'Content-Transfer-Encoding: base64',
  '',
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  '--_NextPart_84815C5ABAF209EF376268C8--',
  'epilogue',
].join('\n');

describe('spam demo message text', () => {
  it('decodes base64 and quoted-printable parts and drops boundaries, part headers and attachments', () => {
    const text = messageText(raw);
    expect(text.startsWith('Web Seminar\n\n')).toBe(true);
    expect(text).toContain('café seats are limited');
    expect(text).toContain('Subscription information: reply to unsubscribe');
    for (const leftover of ['NextPart', 'Content-Transfer-Encoding', 'base64', 'R0lGOD', 'multi-part message', 'epilogue', '<p>']) expect(text).not.toContain(leftover);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{24,}/);
  });

  it('keeps the text/plain alternative of a multipart/alternative body', () => {
    const body = ['--b', 'Content-Type: text/plain', '', 'plain words', '--b', 'Content-Type: text/html', '', '<b>html words</b>', '--b--'].join('\n');
    expect(mimeBodyText('Content-Type: multipart/alternative; boundary=b', body)).toBe('plain words');
  });

  it('leaves a plain single-part body as it is', () => {
    expect(mimeBodyText('Subject: hi', '\n\nHello there,\nsee you.')).toBe('Hello there,\nsee you.');
  });
});
